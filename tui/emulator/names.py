"""Ollama's model names as its server reads them (types/model/name.go), for the emulator
alone: it imports nothing of the app, so a bug in the app's parser cannot hide in both.

`host/namespace/model:tag`; missing parts default to registry.ollama.ai, library, latest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_HOST = "registry.ollama.ai"
DEFAULT_NAMESPACE = "library"
DEFAULT_TAG = "latest"

# Each part starts with a letter, digit or "_", then uses its own extra characters.
_PARTS = {
    "host": re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,349}"),
    "namespace": re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,79}"),
    "model": re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}"),
    "tag": re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}"),
}


class InvalidName(ValueError):
    pass


@dataclass(frozen=True)
class ModelName:
    host: str
    namespace: str
    model: str
    tag: str

    @property
    def display(self) -> str:
        """The shortest form: the default host and namespace left out."""
        if self.host.casefold() != DEFAULT_HOST:
            return f"{self.host}/{self.namespace}/{self.model}:{self.tag}"
        if self.namespace.casefold() != DEFAULT_NAMESPACE:
            return f"{self.namespace}/{self.model}:{self.tag}"
        return f"{self.model}:{self.tag}"

    @property
    def full(self) -> str:
        return f"{self.host}/{self.namespace}/{self.model}:{self.tag}"


def parse_name(text: str) -> ModelName:
    raw = text.strip()
    rest, tag = raw, DEFAULT_TAG
    if raw.rfind(":") > raw.rfind("/"):  # a tag only after the last "/"
        rest, _, tag = raw.rpartition(":")
    segments = rest.split("/")
    if len(segments) > 3:
        segments = ["/".join(segments[:-2]), *segments[-2:]]
    host, namespace, model = [*[DEFAULT_HOST, DEFAULT_NAMESPACE][: 3 - len(segments)],
                              *segments]
    if "://" in host:
        host = host.split("://", 1)[1]
    parts = {"host": host, "namespace": namespace, "model": model, "tag": tag}
    if not raw or any(not _PARTS[k].fullmatch(v) for k, v in parts.items()):
        raise InvalidName(f"invalid model name {raw!r}")
    return ModelName(host, namespace, model, tag)


def source_suffix(raw: str) -> tuple[str, str]:
    """Newer servers' `:local` / `:cloud` / `-cloud` suffix (internal/modelref.ParseRef):
    the name without it and "local", "cloud" or "". Both suffixes at once is refused."""
    base, source = _one_suffix(raw.strip())
    if source and _one_suffix(base)[1]:
        raise InvalidName(f"use either :local or :cloud, not both: \"{raw.strip()}\"")
    return base, source


def _one_suffix(raw: str) -> tuple[str, str]:
    head, colon, suffix = raw.rpartition(":")
    if not colon:
        return raw, ""
    folded = suffix.strip().lower()
    if folded in ("cloud", "local"):
        return head, folded
    if "/" not in suffix and folded.endswith("-cloud"):
        return f"{head}:{suffix.strip()[:-len('-cloud')]}", "cloud"
    return raw, ""
