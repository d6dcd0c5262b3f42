"""Turn an OLLAMA_HOST-style value into a base URL, by the rules of Ollama's own CLI.

Forms accepted: "" (default), "0.0.0.0", ":11434", "gpu-box", "gpu-box:8080", "[::1]:11434",
"http://host" (port 80), "https://host" (port 443), "http://host:port/prefix", "ollama.com".
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORT = 11434
DEFAULT_BASE_URL = f"http://127.0.0.1:{DEFAULT_PORT}"

# A client cannot connect to "any address": like Ollama, it means this machine.
_UNSPECIFIED = {"", "0.0.0.0", "::"}


MAX_HOST_LENGTH = 2048
_PASSWORD = re.compile(r"^((?:[a-zA-Z][a-zA-Z0-9+.-]*://)?[^/@:]*):[^/@]*@")


def shown_host(text: str) -> str:
    """A host value as it may be printed: any password hidden, cut to a readable length."""
    text = _PASSWORD.sub(r"\1:***@", text)
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text[:80])
    return shown + ("…" if len(text) > 80 else "")


def resolve_base_url(value: str | None) -> str:
    """The base URL (no trailing slash) for an OLLAMA_HOST-style value.

    Raises ValueError, saying why, for a value no HTTP client could use."""
    text = (value or "").strip()
    if len(text) > MAX_HOST_LENGTH:
        raise ValueError(f"invalid Ollama host '{shown_host(text)}': longer than "
                         f"{MAX_HOST_LENGTH} characters")
    if any(not ch.isprintable() or ch.isspace() for ch in text):
        raise ValueError(f"invalid Ollama host '{shown_host(text)}': it contains a control "
                         "character or a space")
    scheme, sep, hostport = text.partition("://")
    default_port = DEFAULT_PORT
    if not sep:
        scheme, hostport = "http", text
        if text == "ollama.com":
            scheme, hostport = "https", "ollama.com:443"
    else:
        scheme = scheme.lower()
        if scheme not in ("http", "https"):
            raise ValueError(f"invalid Ollama host '{shown_host(text)}': the scheme must be "
                             "http or https")
        default_port = 443 if scheme == "https" else 80

    hostport, _, path = hostport.partition("/")
    userinfo, at, hostport = hostport.rpartition("@")
    host, port = _split_host_port(hostport, default_port)
    problem = _host_problem(host)
    if problem:
        raise ValueError(f"invalid Ollama host '{shown_host(text)}': {problem}")
    if host in _UNSPECIFIED:
        host = "::1" if host == "::" else "127.0.0.1"
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if at:
        netloc = f"{userinfo}@{netloc}"
    path = "/" + path.strip("/") if path.strip("/") else ""
    return f"{scheme}://{netloc}{path}"


def _host_problem(host: str) -> str | None:
    """Why `host` cannot be connected to (a bad address or name), or None."""
    if host in _UNSPECIFIED:
        return None
    if ":" in host or "[" in host or "]" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return "not a valid IPv6 address"
        return None
    if re.fullmatch(r"[0-9.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return "not a valid IPv4 address"
        return None
    if host.isascii() and "xn--" not in host.lower():
        return None
    import idna  # httpx's own rules for international names (idna is an httpx dependency)

    try:
        idna.decode(idna.encode(host.lower()))  # exactly what httpx will do with it
    except (idna.IDNAError, UnicodeError):
        return "not a valid host name"
    return None


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
