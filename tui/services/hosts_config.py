"""The fleet in the config: one `[hosts.NAME]` table per Ollama host.

    [hosts.gpu1]
    url = "http://gpu1:11434"
    token_env = "GPU1_TOKEN"    # a bearer token from this environment variable (never the
                                # token itself in the file)
    verify = true               # TLS certificate checks; false only when asked (warned)
    ca_file = "/etc/ssl/my-ca.pem"
    models_dir = "/mnt/gpu1/.ollama/models"   # its model store, readable here (transfers)
    vram = "24GB,24GB"          # its GPU memory, for fit verdicts (else the top-level vram)

A table that cannot be used is reported and left out; the rest of the fleet stays.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.core.format import parse_size
from tui.ollama.host import resolve_base_url, shown_host

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_KEYS = {"url": str, "token_env": str, "verify": bool, "ca_file": str, "models_dir": str,
         "vram": str}


@dataclass(frozen=True)
class HostConfig:
    name: str
    url: str = ""  # as written (any OLLAMA_HOST form)
    token_env: str = ""
    verify: bool = True
    ca_file: str = ""
    models_dir: str = ""  # the host's Ollama models directory, readable here (transfers)
    vram: str = ""  # its GPU memory ("24GB" or per GPU "24GB,24GB"); "": the config's own

    @property
    def base_url(self) -> str:
        return resolve_base_url(self.url)

    def token(self, env: Mapping[str, str]) -> str:
        return env.get(self.token_env, "").strip() if self.token_env else ""

    def headers(self, env: Mapping[str, str]) -> dict[str, str]:
        token = self.token(env)
        return {"Authorization": f"Bearer {token}"} if token else {}

    def store_path(self, env: Mapping[str, str]) -> str:
        """Where this host's model files can be read: its `models_dir`, or, for Ollama on
        this very machine, Ollama's own directory; "" when they cannot be."""
        if self.models_dir:
            return self.models_dir
        if is_loopback(self.base_url):
            return env.get("OLLAMA_MODELS") or str(Path.home() / ".ollama" / "models")
        return ""

    def client_options(self, env: Mapping[str, str]) -> dict[str, Any]:
        """OllamaClient's keyword arguments for this host: its token and TLS options."""
        token = self.token(env)
        # A header cannot carry "é" nor a newline: each request says so in one line, sends
        # nothing, and never shows the token.
        if not (token.isascii() and token.isprintable()):
            what = "is not ASCII" if not token.isascii() else "holds a control character"
            return {"verify": self.tls(), "unusable": f"the token in {self.token_env} {what}: "
                    "HTTP headers cannot carry it"}
        return {"headers": self.headers(env), "verify": self.tls()}

    def tls(self) -> bool | str:
        """httpx's `verify`: a CA file, or whether to check certificates at all."""
        return self.ca_file or self.verify

    def warnings(self, env: Mapping[str, str]) -> list[str]:
        """What the user should know about this host's settings (never the token)."""
        found = []
        if self.token_env and not self.token(env):
            found.append(f"host {self.name}: the environment variable {self.token_env} is "
                         "not set, so requests go without a token")
        url = self.base_url
        if self.token(env) and url.startswith("http://") and not is_loopback(url):
            found.append(f"host {self.name}: the token travels in the clear over plain "
                         f"http:// to {shown_host(url)}; use https://")
        if not self.verify and not self.ca_file and url.startswith("https://"):
            found.append(f"host {self.name}: TLS certificates are not checked (verify = "
                         "false): anyone in between can read and change the traffic")
        return found


def vram_total(text: str) -> int:
    """Bytes of GPU memory from "24GB" or "24GB,24GB" (several GPUs add up)."""
    return sum(parse_size(part.strip()) for part in text.split(","))


def is_loopback(url: str) -> bool:
    """Whether the URL's host is this machine: an address in 127.0.0.0/8, ::1 (also as
    ::ffff:127.x.y.z), or the name `localhost`. Decided by parsing the address, never by
    how a name begins: `127.0.0.1.nip.io` is a name anyone's DNS can point anywhere."""
    try:
        host = urlsplit(url).hostname or ""  # lower case, without brackets or port
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name other than localhost: wherever DNS says
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def warnings_once(hosts: Iterable[HostConfig], env: Mapping[str, str],
                  warned: set[str]) -> list[str]:
    """The warnings of the hosts not in `warned` (which then holds them too): each host's
    are given once, however many times a command names it."""
    fresh = [h for h in dict.fromkeys(hosts) if h.name not in warned]
    warned.update(h.name for h in fresh)
    return [warning for host in fresh for warning in host.warnings(env)]


def parse_hosts(raw: Any, path: object) -> tuple[dict[str, HostConfig], list[str]]:
    """The usable `[hosts.*]` tables of a config file, and a message for each problem."""
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, [f"config file {path}: 'hosts' must be tables like [hosts.gpu1]"]
    hosts, problems = {}, []
    for name, table in raw.items():
        problem = _problem(name, table)
        if problem:
            problems.append(f"config file {path}: host {name!r}: {problem}; left out")
            continue
        hosts[name] = HostConfig(name, **{k: table[k] for k in _KEYS if k in table})
    return hosts, problems


def _problem(name: str, table: Any) -> str:
    if not _NAME.fullmatch(name):
        return "a host name is letters, digits, '-', '_' or '.'"
    if not isinstance(table, dict):
        return "must be a table with url = \"…\""
    for key, value in table.items():
        expected = _KEYS.get(key)
        if expected is None:
            return f"unknown key {key!r} (known: {', '.join(_KEYS)})"
        if not isinstance(value, expected):
            return f"{key!r} has the wrong type"
    if "url" not in table:
        return "it needs url = \"…\""
    try:
        resolve_base_url(table["url"])
    except ValueError as exc:
        return str(exc)
    if table.get("vram"):
        try:
            vram_total(table["vram"])
        except ValueError as exc:
            return f"'vram' {exc}"
    if "token_env" in table and not _ENV_NAME.fullmatch(table["token_env"]):
        return "'token_env' must be the name of an environment variable"
    if table.get("ca_file"):
        import ssl

        try:
            ssl.create_default_context(cafile=table["ca_file"])
        except (OSError, ssl.SSLError, ValueError) as exc:
            return f"cannot use the CA file {table['ca_file']}: {exc}"
    return ""
