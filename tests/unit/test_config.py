import os
import stat
import tomllib
from pathlib import Path

import pytest

from tui.services.config import DEFAULT_CURRENT_MODEL, ConfigError, load_settings, save_setting


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_without_file_or_environment(config_path: Path) -> None:
    s = load_settings(config_path, env={})
    assert s.base_url == "http://127.0.0.1:11434"
    assert s.current_model == DEFAULT_CURRENT_MODEL == "glm-4.6:cloud"
    assert "llama3.2" in s.popular_models
    assert s.warnings == []


def test_precedence_flag_then_base_url_then_host_then_file(config_path: Path) -> None:
    write(config_path, 'host = "file-host:1"\n')
    env = {"OLLAMA_HOST": "env-host:2", "OLLAMA_BASE_URL": "http://base-url:3"}
    assert load_settings(config_path, env={}).base_url == "http://file-host:1"
    assert load_settings(config_path, env={"OLLAMA_HOST": "env-host:2"}).base_url == \
        "http://env-host:2"
    assert load_settings(config_path, env=env).base_url == "http://base-url:3"
    assert load_settings(config_path, env=env, host_flag="flag-host:4").base_url == \
        "http://flag-host:4"


def test_default_model_env_applies_only_when_the_file_has_none(config_path: Path) -> None:
    env = {"DEFAULT_MODEL": "qwen2.5:7b"}
    assert load_settings(config_path, env=env).current_model == "qwen2.5:7b"
    write(config_path, 'current_model = "llama3.2:latest"\n')
    assert load_settings(config_path, env=env).current_model == "llama3.2:latest"


def test_the_file_sets_every_key(config_path: Path) -> None:
    write(config_path, 'host = "gpu:11434"\ncurrent_model = "phi4:14b"\n'
                       'popular_models = ["a", "b"]\nrefresh_interval = 2.5\n')
    s = load_settings(config_path, env={})
    assert (s.base_url, s.current_model, s.popular_models, s.refresh_interval) == \
        ("http://gpu:11434", "phi4:14b", ["a", "b"], 2.5)


def test_a_corrupt_file_is_reported_with_its_line_and_ignored(config_path: Path) -> None:
    write(config_path, 'host = "gpu"\ncurrent_model = = "x"\n')
    s = load_settings(config_path, env={})
    assert len(s.warnings) == 1
    assert str(config_path) in s.warnings[0] and "line 2" in s.warnings[0]
    assert s.base_url == "http://127.0.0.1:11434"


def test_wrong_types_are_reported_per_key(config_path: Path) -> None:
    write(config_path, 'refresh_interval = "soon"\ncurrent_model = "phi4:14b"\n')
    s = load_settings(config_path, env={})
    assert s.current_model == "phi4:14b" and s.refresh_interval == 5.0
    assert "'refresh_interval' has the wrong type" in s.warnings[0]


def test_saving_keeps_other_keys_and_writes_a_private_file(config_path: Path) -> None:
    write(config_path, 'host = "gpu:1"\nfuture_key = [1, 2]\n')
    os.chmod(config_path, 0o644)
    save_setting(config_path, "current_model", "qwen2.5:7b")
    data = tomllib.loads(config_path.read_text())
    assert data == {"host": "gpu:1", "future_key": [1, 2], "current_model": "qwen2.5:7b"}
    assert stat.S_IMODE(config_path.stat().st_mode) == 0o600
    assert [p.name for p in config_path.parent.iterdir()] == ["config.toml"]  # no temp left


def test_saving_creates_the_directory(config_path: Path) -> None:
    save_setting(config_path, "current_model", "x:latest")
    assert tomllib.loads(config_path.read_text()) == {"current_model": "x:latest"}


def test_saving_over_a_corrupt_file_keeps_a_backup(config_path: Path) -> None:
    broken = 'host = "gpu"\nthis is not toml\n'
    write(config_path, broken)
    save_setting(config_path, "current_model", "x:latest")
    assert config_path.with_name("config.toml.bak").read_text() == broken
    assert tomllib.loads(config_path.read_text()) == {"current_model": "x:latest"}


def test_a_failed_write_leaves_the_old_file_whole(config_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    write(config_path, 'current_model = "old:latest"\n')

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ConfigError, match="No space left on device"):
        save_setting(config_path, "current_model", "new:latest")
    assert config_path.read_text() == 'current_model = "old:latest"\n'
    assert [p.name for p in config_path.parent.iterdir()] == ["config.toml"]


def test_a_bad_host_in_the_environment_falls_back_with_a_warning(config_path: Path) -> None:
    s = load_settings(config_path, env={"OLLAMA_HOST": "ftp://gpu"})
    assert s.base_url == "http://127.0.0.1:11434"
    assert "the scheme must be http or https" in s.warnings[0] and s.host_problem


def test_set_current_model_takes_the_installed_spelling(tmp_path) -> None:
    from tui.services.config import Settings, set_current_model

    settings = Settings(path=tmp_path / "config.toml")
    chosen = set_current_model(settings, ["Llama3.2:latest", "qwen2.5:7b"], "llama3.2")
    assert chosen == "Llama3.2:latest" == settings.current_model
    assert 'current_model = "Llama3.2:latest"' in settings.path.read_text()


def test_set_current_model_refuses_a_model_that_is_not_installed(tmp_path) -> None:
    from tui.ollama import InvalidNameError
    from tui.services.config import NotInstalledError, Settings, set_current_model

    settings = Settings(path=tmp_path / "config.toml")
    with pytest.raises(NotInstalledError, match="pull it first"):
        set_current_model(settings, ["qwen2.5:7b"], "llama3.2")
    with pytest.raises(InvalidNameError):
        set_current_model(settings, ["qwen2.5:7b"], "bad name")
    assert not settings.path.exists() and settings.current_model == "glm-4.6:cloud"


@pytest.mark.parametrize(("given", "kept"), [
    ("llama3.2", "llama3.2:latest"), ("Qwen2.5:7B", "Qwen2.5:7B"),
    ("library/mistral", "mistral:latest"), ("not a name", "not a name"),
])
def test_the_current_model_is_normalised_when_the_config_loads(tmp_path, given, kept) -> None:
    from tui.services.config import load_settings

    assert load_settings(tmp_path / "none.toml", env={"DEFAULT_MODEL": given}) \
        .current_model == kept


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_config_is_never_overwritten(tmp_path) -> None:
    path = write(tmp_path / "config.toml", 'current_model = "mine:latest"\n')
    path.chmod(0)
    try:
        with pytest.raises(ConfigError, match="nothing was changed"):
            save_setting(path, "current_model", "other:latest")
    finally:
        path.chmod(0o600)
    assert path.read_text() == 'current_model = "mine:latest"\n'


def test_a_config_that_is_a_directory_is_a_clear_message(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.mkdir()
    with pytest.raises(ConfigError, match="nothing was changed"):
        save_setting(path, "current_model", "other:latest")
    assert path.is_dir()


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "1e9"])
def test_absurd_refresh_intervals_are_refused(tmp_path, value: str) -> None:
    path = write(tmp_path / "config.toml", f"refresh_interval = {value}\n")
    settings = load_settings(path, env={})
    assert settings.refresh_interval == 5.0
    assert any("refresh_interval" in w for w in settings.warnings)


def test_a_symlinked_config_is_written_through_to_its_target(tmp_path) -> None:
    target = write(tmp_path / "dotfiles" / "qgoose.toml", 'host = "gpu:11434"\n')
    link = tmp_path / "config.toml"
    link.symlink_to(target)
    save_setting(link, "current_model", "llama3.2:latest")
    assert link.is_symlink()
    assert tomllib.loads(target.read_text()) == {"host": "gpu:11434",
                                                 "current_model": "llama3.2:latest"}


def test_hosts_tables_and_their_problems(tmp_path) -> None:
    from tui.services.config import load_settings

    path = tmp_path / "config.toml"
    path.write_text('[hosts.gpu1]\nurl = "http://gpu1:11434"\ntoken_env = "GPU1_TOKEN"\n'
                    '[hosts.bad]\nurl = "ftp://x"\n'
                    '[hosts.odd]\nurl = "gpu3"\ncolour = "red"\n')
    settings = load_settings(path, env={"GPU1_TOKEN": "abc"})
    assert list(settings.hosts) == ["gpu1"] and settings.host_name == "gpu1"
    assert settings.base_url == "http://gpu1:11434"
    assert settings.client_options()["headers"] == {"Authorization": "Bearer abc"}
    text = "\n".join(settings.warnings)
    assert "host 'bad'" in text and "unknown key 'colour'" in text
    assert "the token travels in the clear" in text and "abc" not in text
    # --host names a configured host, or is still a URL.
    assert load_settings(path, env={}, host_flag="gpu1").host_name == "gpu1"
    assert load_settings(path, env={}, host_flag="other:1").base_url == "http://other:1"
    assert "GPU1_TOKEN is not set" in "\n".join(load_settings(path, env={}).warnings)


def test_a_readable_config_with_a_password_is_warned_about(tmp_path) -> None:
    from tui.services.config import load_settings

    path = tmp_path / "config.toml"
    path.write_text('host = "http://me:pw@gpu:11434"\n')
    path.chmod(0o644)
    warnings = load_settings(path, env={}).warnings
    assert any("holds a password and other users can read it" in w for w in warnings)
    assert not any("pw" in w.replace("password", "") for w in warnings)
    path.chmod(0o600)
    assert not load_settings(path, env={}).warnings
