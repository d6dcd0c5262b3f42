import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    with pytest.raises(ValueError, match="the scheme must be http or https"):
        resolve_base_url("ftp://gpu-box")


def test_credentials_are_kept_for_use_but_hidden_when_shown() -> None:
    url = resolve_base_url("https://alice:s3cret@gpu-box/ollama")
    assert url == "https://alice:s3cret@gpu-box:443/ollama"
    assert redact(url) == "https://alice:***@gpu-box:443/ollama"
    assert "s3cret" not in redact(url)
    assert redact("http://127.0.0.1:11434") == "http://127.0.0.1:11434"


@pytest.mark.parametrize(("value", "reason"), [
    ("999.1.1.1", "not a valid IPv4 address"), ("http://[::1", "not a valid IPv6 address"),
    ("http://a:b:c", "not a valid IPv6 address"), ("xn--zz", "not a valid host name"),
    ("☃", "not a valid host name"), ("http://u:pw@host\x01:1", "control character"),
    ("http://h/" + "p" * 70_000, "longer than"), ("gpu box", "control character or a space"),
])
def test_hosts_no_client_could_use_are_refused_with_the_reason(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as caught:
        resolve_base_url(value)
    assert "pw" not in str(caught.value) and len(str(caught.value)) < 200


@given(st.text(max_size=60))
def test_any_host_text_resolves_or_is_refused_and_httpx_accepts_what_we_accept(text) -> None:
    import httpx

    try:
        url = resolve_base_url(text)
    except ValueError:
        return
    httpx.URL(url)  # must not raise: what we accept, the client can use


def test_a_shown_host_is_cut_only_when_long() -> None:
    from tui.ollama.host import shown_host

    assert shown_host("h" * 80) == "h" * 80  # exactly the limit: nothing cut
    assert shown_host("h" * 81) == "h" * 80 + "…"
    assert shown_host("a\x01b") == "a\\x01b"  # escaped, not cut
