import pytest

from tui.ollama.host import redact, resolve_base_url


@pytest.mark.parametrize(("value", "url"), [
    (None, "http://127.0.0.1:11434"),
    ("", "http://127.0.0.1:11434"),
    ("0.0.0.0", "http://127.0.0.1:11434"),
    (":11434", "http://127.0.0.1:11434"),
    ("0.0.0.0:8080", "http://127.0.0.1:8080"),
    ("gpu-box", "http://gpu-box:11434"),
    ("gpu-box:8080", "http://gpu-box:8080"),
    ("[::1]:11434", "http://[::1]:11434"),
    ("::", "http://[::1]:11434"),
    ("http://gpu-box", "http://gpu-box:80"),
    ("https://gpu-box", "https://gpu-box:443"),
    ("https://gpu-box:8443/ollama/", "https://gpu-box:8443/ollama"),
    ("ollama.com", "https://ollama.com:443"),
    ("gpu-box:notaport", "http://gpu-box:11434"),
    ("gpu-box:99999", "http://gpu-box:11434"),
    ("  10.0.0.5:11434 ", "http://10.0.0.5:11434"),
])
def test_ollama_host_forms(value: str | None, url: str) -> None:
    assert resolve_base_url(value) == url


def test_unsupported_scheme_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="unsupported scheme 'ftp'"):
        resolve_base_url("ftp://gpu-box")


def test_credentials_are_kept_for_use_but_hidden_when_shown() -> None:
    url = resolve_base_url("https://alice:s3cret@gpu-box/ollama")
    assert url == "https://alice:s3cret@gpu-box:443/ollama"
    assert redact(url) == "https://alice:***@gpu-box:443/ollama"
    assert "s3cret" not in redact(url)
    assert redact("http://127.0.0.1:11434") == "http://127.0.0.1:11434"
