"""Turn an OLLAMA_HOST-style value into a base URL, by the rules of Ollama's own CLI.

Forms accepted: "" (default), "0.0.0.0", ":11434", "gpu-box", "gpu-box:8080", "[::1]:11434",
"http://host" (port 80), "https://host" (port 443), "http://host:port/prefix", "ollama.com".
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORT = 11434
DEFAULT_BASE_URL = f"http://127.0.0.1:{DEFAULT_PORT}"

# A client cannot connect to "any address": like Ollama, it means this machine.
_UNSPECIFIED = {"", "0.0.0.0", "::"}


def resolve_base_url(value: str | None) -> str:
    """The base URL (no trailing slash) for an OLLAMA_HOST-style value."""
    text = (value or "").strip()
    scheme, sep, hostport = text.partition("://")
    default_port = DEFAULT_PORT
    if not sep:
        scheme, hostport = "http", text
        if text == "ollama.com":
            scheme, hostport = "https", "ollama.com:443"
    else:
        scheme = scheme.lower()
        if scheme not in ("http", "https"):
            raise ValueError(f"unsupported scheme {scheme!r} in Ollama host {text!r}")
        default_port = 443 if scheme == "https" else 80

    hostport, _, path = hostport.partition("/")
    userinfo, at, hostport = hostport.rpartition("@")
    host, port = _split_host_port(hostport, default_port)
    if host in _UNSPECIFIED:
        host = "::1" if host == "::" else "127.0.0.1"
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if at:
        netloc = f"{userinfo}@{netloc}"
    path = "/" + path.strip("/") if path.strip("/") else ""
    return f"{scheme}://{netloc}{path}"


def _split_host_port(hostport: str, default_port: int) -> tuple[str, int]:
    """Split "host:port" like Go's net.SplitHostPort, falling back as Ollama does."""
    host, port_text = hostport, ""
    if hostport.startswith("["):
        end = hostport.find("]")
        if end != -1:
            host = hostport[1:end]
            rest = hostport[end + 1 :]
            port_text = rest[1:] if rest.startswith(":") else ""
    elif hostport.count(":") == 1:
        host, port_text = hostport.split(":")
    elif hostport.count(":") > 1:
        # A bare IPv6 address has no port.
        host = hostport
    if not port_text:
        return host, default_port
    try:
        port = int(port_text)
    except ValueError:
        return host, default_port
    # A bad port falls back to the default, as Ollama's CLI does.
    return host, port if 0 <= port <= 65535 else default_port


def redact(url: str) -> str:
    """The URL with any password replaced, safe to print or log."""
    parts = urlsplit(url)
    if parts.password is None and parts.username is None:
        return url
    host = parts.hostname or ""
    if _is_ipv6(host):
        host = f"[{host}]"
    netloc = f"{parts.username or ''}:***@{host}"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False
