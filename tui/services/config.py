"""Settings: defaults < config.toml < OLLAMA_HOST < OLLAMA_BASE_URL < flags.

The file is read with tomllib and written with tomli-w, atomically and private (0600).
A broken file never stops the app: it is reported (file and line) and ignored, and it is
copied to `.bak` before anything is written over it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from tui.ollama.host import resolve_base_url, shown_host
from tui.ollama.names import model_key, normalize, validation_error
from tui.services.hosts_config import HostConfig, parse_hosts, vram_total, warnings_once

APP_NAME = "qgoose-tui"
DEFAULT_CURRENT_MODEL = "glm-4.6:cloud"  # Quantum Goose's default model
DEFAULT_POPULAR_MODELS = (
    "llama3.2",
    "llama3.1:8b",
    "qwen2.5:7b",
    "qwen2.5-coder:7b",
    "gemma3",
    "mistral",
    "deepseek-r1:8b",
    "phi4",
    "llava",
    "nomic-embed-text",
    "smollm2:135m",
)


MAX_REFRESH_INTERVAL = 3600  # seconds; longer would make "online" meaningless


class ConfigError(Exception):
    """A config file that cannot be read or written; the message names the file."""


class NotInstalledError(Exception):
    """The model asked for is not installed, so it cannot be the current model."""


@dataclass
class Settings:
    host: str = field(default="", repr=False)  # it may hold a password: never in a repr
    """Ollama's address, in any form OLLAMA_HOST accepts (default http://127.0.0.1:11434)."""
    current_model: str = DEFAULT_CURRENT_MODEL
    """The model other tools should use; only ever set to an installed model."""
    popular_models: list[str] = field(default_factory=lambda: list(DEFAULT_POPULAR_MODELS))
    """Models offered first in the pull dialog."""
    refresh_interval: float = 5.0
    """Seconds between checks that Ollama is up and its model list unchanged."""
    vram: str = ""
    """The GPU memory models can use: "24GB", or one figure per GPU ("24GB,24GB")."""
    kv_cache_type: str = "f16"
    """How Ollama stores the KV cache (its OLLAMA_KV_CACHE_TYPE): f16, q8_0 or q4_0."""
    fit_context: int = 8192
    """The context the grid's "Fits" column checks."""
    check_updates: bool = True
    """Ask the registries which models have newer versions when the app starts."""
    update_check_delay: float = 2.0
    """Seconds after the first list before the registries are asked, so that the first
    frames do not share the CPU with hundreds of registry requests (tests shorten it)."""
    registry: str = ""
    """Where update checks look instead of registry.ollama.ai (a mirror): "host[:port]"
    or a URL."""

    hosts: dict[str, HostConfig] = field(default_factory=dict)
    """The fleet: the `[hosts.NAME]` tables of the file (not a plain file key)."""
    host_name: str = ""
    """The configured host in use, when `host` (or --host) names one."""
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The environment read at load time: where tokens come from (never printed)."""

    path: Path = field(default_factory=lambda: default_config_path())
    """Where the settings were read from and are saved to (not a file key)."""
    warnings: list[str] = field(default_factory=list)
    """Problems met while loading, to show the user (not a file key)."""
    saved: bool = True
    """False in the demo: changes go to a throwaway file, never to the user's config."""
    host_problem: str = ""
    """Why the host given could not be used (a command then stops; the TUI warns)."""
    warned_hosts: set[str] = field(default_factory=set, repr=False)
    """The configured hosts whose warnings were already given (once a run each)."""

    @property
    def base_url(self) -> str:
        return resolve_base_url(self.host)

    def client_options(self, name: str = "") -> dict[str, Any]:
        """Headers and TLS options for the client of host `name` (default: the one in use);
        a host given as a URL has none."""
        entry = self.hosts.get(name or self.host_name)
        return {} if entry is None else entry.client_options(self.env)

    def host_warnings(self, hosts: Iterable[HostConfig]) -> list[str]:
        """What to tell the user before talking to these hosts (a token that would travel
        in the clear, a token variable not set…), for those not warned about yet."""
        return warnings_once(hosts, self.env, self.warned_hosts)

    def fleet(self) -> list[HostConfig]:
        """Every host to show: the configured ones, and the one in use if it is not one of
        them (a single host is a fleet of one)."""
        hosts = list(self.hosts.values())
        if not self.host_name:
            hosts.insert(0, HostConfig("default", self.host))
        return hosts

    @property
    def vram_bytes(self) -> int | None:
        """The host in use's total GPU memory, or None when not configured."""
        return self.vram_for(self.host_name)

    def vram_for(self, host_name: str) -> int | None:
        """A host's GPU memory: its table's `vram`, else the top-level one; None: unknown."""
        entry = self.hosts.get(host_name)
        text = entry.vram if entry is not None and entry.vram else self.vram
        return vram_total(text) if text else None


# The keys a config file may hold, with the type each must have.
FILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "host": str,
    "current_model": str,
    "popular_models": list,
    "refresh_interval": (int, float),
    "vram": str,
    "kv_cache_type": str,
    "fit_context": int,
    "registry": str,
    "check_updates": bool,
}
KV_CACHE_TYPES = ("f16", "q8_0", "q4_0")


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def load_settings(
    config_path: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    host_flag: str | None = None,
) -> Settings:
    """Read the settings from every source, in precedence order."""
    env = os.environ if env is None else env
    settings = Settings(path=Path(config_path) if config_path else default_config_path())
    file_values, problems = _read_file(settings.path)
    settings.warnings.extend(problems)
    if "DEFAULT_MODEL" in env and env["DEFAULT_MODEL"].strip():
        settings.current_model = env["DEFAULT_MODEL"].strip()
    settings.env = dict(env)
    for key, value in file_values.items():
        setattr(settings, key, value)
    hosts, problems = parse_hosts(_read_hosts(settings.path), settings.path)
    settings.hosts = hosts
    settings.warnings.extend(problems)
    chosen_by = "file" if "host" in file_values else ""
    for source in ("OLLAMA_HOST", "OLLAMA_BASE_URL"):
        if env.get(source, "").strip():
            settings.host, chosen_by = env[source].strip(), source
    if host_flag:
        settings.host, chosen_by = host_flag, "flag"
    _pick_configured_host(settings, chosen_by)
    settings.warnings.extend(_exposed_secrets(settings.path, file_values, hosts))
    settings.current_model = _spelled(settings.current_model)
    try:
        resolve_base_url(settings.host)
    except ValueError as exc:
        settings.host_problem = str(exc)
        settings.warnings.append(f"{exc}; using http://127.0.0.1:11434")
        settings.host = ""
    return settings


def _spelled(name: str) -> str:
    """One spelling everywhere: "llama3.2" in the file or DEFAULT_MODEL is llama3.2:latest
    (a name Ollama would refuse is kept as written, for the user to see)."""
    return normalize(name) if validation_error(name) is None else name


def reload_current_model(settings: Settings) -> str:
    """The current model as the config file says now, also kept in `settings`: another
    program (the TUI, `qgoose-tui use`, the web page) may have set it since the settings
    were read. Without the key in the file it stays what it was (DEFAULT_MODEL, default)."""
    values, _ = _read_file(settings.path)
    if "current_model" in values:
        settings.current_model = _spelled(values["current_model"])
    return settings.current_model


class CurrentModelWatch:
    """Notices another program (the TUI, `qgoose-tui use`, the web API) setting the current
    model in the config file: one stat a check, the file read only when it has changed."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._stamp = self._stamp_now()  # the file as the settings were read from it

    def _stamp_now(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self._settings.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)  # a replaced file is a new inode

    def check(self) -> bool:
        """Whether the current model changed since the last check (`settings` follows)."""
        stamp = self._stamp_now()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        before = self._settings.current_model
        return stamp is not None and reload_current_model(self._settings) != before


def _exposed_secrets(path: Path, values: Mapping[str, Any],
                     hosts: Mapping[str, HostConfig]) -> list[str]:
    """A warning when a file others can read holds a password (in a host's URL)."""
    urls = [str(values.get("host", "")), *(h.url for h in hosts.values())]
    if not any(shown_host(u) != u for u in urls if u):  # shown_host hides passwords
        return []
    try:
        readable = path.stat().st_mode & 0o077
    except OSError:
        return []
    return [f"config file {path} holds a password and other users can read it: "
            f"chmod 600 {path}"] if readable else []


def _pick_configured_host(settings: Settings, chosen_by: str) -> None:
    """`host` (or --host) may name a configured host; with hosts configured and nothing
    else chosen, the first of them is the one in use."""
    if settings.host in settings.hosts and chosen_by in ("file", "flag"):
        settings.host_name = settings.host
    elif not chosen_by and settings.hosts:
        settings.host_name = next(iter(settings.hosts))
    if settings.host_name:
        entry = settings.hosts[settings.host_name]
        settings.host = entry.url
        # Every command talks to the host in use: its warnings are given at once.
        settings.warnings.extend(settings.host_warnings([entry]))


def _read_hosts(path: Path) -> Any:
    try:
        return read_toml(path).get("hosts")
    except (OSError, ConfigError):
        return None  # already reported by _read_file


def _read_file(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The valid keys of the file, and a message for each problem found."""
    try:
        raw = read_toml(path)
    except FileNotFoundError:
        return {}, []
    except ConfigError as exc:
        return {}, [f"{exc}; using defaults"]
    values: dict[str, Any] = {}
    problems = []
    for key, value in raw.items():
        expected = FILE_KEYS.get(key)
        if expected is None:
            continue  # keys of newer versions are kept in the file, ignored here
        if key == "popular_models":
            value = [item for item in value if isinstance(item, str)] if isinstance(value, list) \
                else None
        if value is None or not isinstance(value, expected) or \
                (isinstance(value, bool) and expected is not bool):
            problems.append(f"config file {path}: {key!r} has the wrong type; using the default")
            continue
        if key == "refresh_interval" and isinstance(value, int | float) and \
                not 0 < value <= MAX_REFRESH_INTERVAL:  # also rejects nan and inf
            problems.append(f"config file {path}: 'refresh_interval' must be a number of "
                            f"seconds above 0 and at most {MAX_REFRESH_INTERVAL}")
            continue
        problem = _value_problem(key, value)
        if problem:
            problems.append(f"config file {path}: {problem}; using the default")
            continue
        values[key] = value
    return values, problems


def _value_problem(key: str, value: Any) -> str:
    """Why a value of the right type is still unusable ("" when it is fine)."""
    if key == "vram":
        try:
            vram_total(value)
        except ValueError as exc:
            return f"'vram' {exc}"
    if key == "kv_cache_type" and value not in KV_CACHE_TYPES:
        return f"'kv_cache_type' must be one of {', '.join(KV_CACHE_TYPES)}"
    if key == "fit_context" and not 0 < value <= 10_000_000:
        return "'fit_context' must be a number of tokens above 0"
    if key == "registry" and not _is_registry(value):
        return "'registry' must be a host[:port] or an http(s) URL"
    return ""


_REGISTRY_HOST = re.compile(r"[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9A-Fa-f:]+\](:\d{1,5})?")


def _is_registry(value: str) -> bool:
    """A host[:port], or an http(s) URL with one (and nothing after a path)."""
    scheme, _, rest = value.partition("://") if "://" in value else ("https", "", value)
    return scheme in ("http", "https") and \
        _REGISTRY_HOST.fullmatch(rest.rstrip("/")) is not None


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; ConfigError naming the file (and line) when it is unreadable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    import tomllib  # only when there is a file: a first start has none

    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    except RecursionError:  # tomllib recurses once per level of nesting
        raise ConfigError(f"config file {path} nests arrays or tables too deeply") from None


def save_setting(path: Path, key: str, value: Any) -> None:
    """Set one key in the file, keeping every other key as it was.

    Only the key asked for is written: values that came from the environment or flags
    never leak into the file. A corrupt file is first copied to `<name>.bak`.
    """
    try:
        data = read_toml(path)
    except FileNotFoundError:
        data = {}
    except ConfigError as exc:
        if not os.access(path, os.R_OK) or path.is_dir():
            raise ConfigError(f"{exc}; nothing was changed") from exc  # never overwrite it
        try:
            shutil.copy2(path, path.with_name(path.name + ".bak"))
        except OSError as copy_error:
            raise ConfigError(f"{exc}, and it cannot be backed up before it is replaced "
                              f"({copy_error.strerror}); nothing was changed") from copy_error
        data = {}
    data[key] = value
    write_toml_atomic(path, data)


def write_toml_atomic(path: Path, data: Mapping[str, Any]) -> None:
    """Write to a private temp file beside `path`, then rename it over `path`.

    A symlinked config (dotfiles) is written through to its target, never replaced."""
    import tomli_w  # only when something is saved

    path = path.resolve()
    text = tomli_w.dumps(dict(data))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise ConfigError(f"cannot write config file {path}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise ConfigError(f"cannot write config file {path}: {exc.strerror}") from exc


def set_current_model(settings: Settings, installed: Iterable[str], name: str) -> str:
    """Persist `name` as the current model and return its installed name.

    Shared by `qgoose-tui use` and the TUI's `u` key. Raises InvalidNameError,
    NotInstalledError or ConfigError, and changes nothing then.
    """
    wanted = normalize(name)
    match = next((m for m in installed if model_key(m) == model_key(wanted)), None)
    if match is None:
        raise NotInstalledError(
            f"{wanted} is not installed, so it cannot be the current model; "
            f"pull it first with: qgoose-tui pull {wanted}"
        )
    save_setting(settings.path, "current_model", match)
    settings.current_model = match
    return match


DEMO_FOLDER_PREFIX = "qgoose-tui-demo-"
# All the demo keeps of the user's settings: how they like the app to look and behave.
# Nothing that says where their models are, who may reach them, or what their GPU is.
DEMO_KEEPS = ("popular_models", "refresh_interval", "kv_cache_type", "fit_context",
              "check_updates", "update_check_delay")


def demo_folder() -> tempfile.TemporaryDirectory[str]:
    """The demo's throwaway folder. Removed by its cleanup() (or when leaving `with`), and
    at the latest when the process ends: TemporaryDirectory's finalizer runs at exit."""
    return tempfile.TemporaryDirectory(prefix=DEMO_FOLDER_PREFIX)


def for_demo(settings: Settings, folder: Path) -> Settings:
    """The demo's settings, a world of its own: of the user's settings only DEMO_KEEPS,
    never their hosts, tokens (no environment), registry, GPU, current model or config
    file. Its changes go to a throwaway file in `folder`; its hosts are added once its
    emulators listen (use_demo_hosts)."""
    kept = {key: getattr(settings, key) for key in DEMO_KEEPS}
    kept["popular_models"] = list(settings.popular_models)
    return Settings(path=folder / "config.toml", saved=False, env={}, **kept)


def use_demo_hosts(settings: Settings, urls: Mapping[str, str],
                   vram: Mapping[str, int] | None = None) -> None:
    """Make the demo's running emulators (name → URL, the first in use) its whole fleet,
    the first also its registry. Their model files are nowhere readable: each gets a
    models_dir in the demo's folder that does not exist, so no transfer or export ever
    looks in the user's own ~/.ollama (the emulators listen on this machine). `vram`: each
    emulator's pretend GPU memory, so that fit verdicts show in the demo."""
    folder = settings.path.parent
    gpus = vram or {}
    settings.hosts = {name: HostConfig(name, url, models_dir=str(folder / "models" / name),
                                       vram=str(gpus.get(name, "")))
                      for name, url in urls.items()}
    settings.host_name = next(iter(urls))
    settings.host = settings.registry = urls[settings.host_name]
