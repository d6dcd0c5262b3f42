"""Ollama's model-name grammar (types/model/name.go): parse, normalise, validate.

Full form `host/namespace/model:tag`; missing parts default to `registry.ollama.ai`,
`library` and `latest`. The short display form drops the default host and namespace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui.ollama.errors import InvalidNameError

DEFAULT_HOST = "registry.ollama.ai"
DEFAULT_NAMESPACE = "library"
DEFAULT_TAG = "latest"

# Extra characters each part may use after its first (letter, digit or "_"), and max length.
_PART_RULES: dict[str, tuple[str, int]] = {
    "host": ("-_.:", 350),
    "namespace": ("-_", 80),
    "model": ("-_.", 80),
    "tag": ("-_.", 80),
}


@dataclass(frozen=True)
class ModelName:
    host: str
    namespace: str
    model: str
    tag: str

    @property
    def display(self) -> str:
        """Short form, as `ollama list` shows it: `llama3:latest`, `hf.co/org/repo:Q4`."""
        if self.host.lower() != DEFAULT_HOST:
            return f"{self.host}/{self.namespace}/{self.model}:{self.tag}"
        if self.namespace.lower() != DEFAULT_NAMESPACE:
            return f"{self.namespace}/{self.model}:{self.tag}"
        return f"{self.model}:{self.tag}"

    @property
    def full(self) -> str:
        return f"{self.host}/{self.namespace}/{self.model}:{self.tag}"


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _part_problem(kind: str, value: str) -> str | None:
    """Why `value` is not a valid `kind` part, or None when it is."""
    extra, max_len = _PART_RULES[kind]
    if not value:
        return f"the {kind} part is empty"
    if len(value) > max_len:
        return f"the {kind} part is {len(value)} characters long (at most {max_len})"
    if not _is_word_char(value[0]):
        return f"the {kind} part must start with a letter, digit or '_', not {value[0]!r}"
    for ch in value[1:]:
        if not (_is_word_char(ch) or ch in extra):
            return f"the {kind} part may not contain {ch!r}"
    return None


def parse_name(text: str) -> ModelName:
    """Parse and validate a model name; raise InvalidNameError saying what is wrong."""
    raw = text.strip()
    if not raw:
        raise InvalidNameError("model name is empty")
    rest, tag = raw, DEFAULT_TAG
    # The tag follows the last ":" only when that ":" is after the last "/".
    if raw.rfind(":") > raw.rfind("/"):
        rest, _, tag = raw.rpartition(":")
        if not tag:
            raise InvalidNameError(f"invalid model name {raw!r}: the tag after ':' is empty")
    segments = rest.split("/")
    if len(segments) > 3:
        # Ollama reads everything before the last two "/" as the host, which cannot hold "/".
        segments = ["/".join(segments[:-2]), *segments[-2:]]
    defaults = [DEFAULT_HOST, DEFAULT_NAMESPACE]
    host, namespace, model = [*defaults[: 3 - len(segments)], *segments]
    host = host.split("://", 1)[1] if "://" in host else host
    parts = {"host": host, "namespace": namespace, "model": model, "tag": tag}
    for kind, value in parts.items():
        problem = _part_problem(kind, value)
        if problem:
            raise InvalidNameError(f"invalid model name {raw!r}: {problem}")
    return ModelName(host, namespace, model, tag)


def normalize(text: str) -> str:
    """The display form of a valid name (`llama3` → `llama3:latest`); raises if invalid."""
    return parse_name(text).display


def validation_error(text: str) -> str | None:
    """The reason a name is invalid, or None; for validating as the user types."""
    try:
        parse_name(text)
    except InvalidNameError as exc:
        return str(exc)
    return None


_KEYS: dict[str, str] = {}  # name → key: every grid redraw asks for thousands
_KEYS_KEPT = 50_000


def model_key(name: str) -> str:
    """The one identity rule: two names are the same model iff their keys are equal.

    Ollama fills in the default host, namespace and tag and compares case-insensitively
    (`Llama3.2` is `registry.ollama.ai/library/llama3.2:latest`). A name Ollama would refuse
    can still come from a server or a hand-edited file; it is compared as written, casefolded.
    """
    key = _KEYS.get(name)
    if key is None:
        try:
            key = parse_name(name).full.casefold()
        except InvalidNameError:
            key = name.strip().casefold()
        if len(_KEYS) >= _KEYS_KEPT:
            _KEYS.clear()  # a plain dict, bounded: an LRU's bookkeeping doubled its memory
        _KEYS[name] = key
    return key


def same_model(a: str, b: str) -> bool:
    """Whether two names refer to the same model."""
    return model_key(a) == model_key(b)


def matcher(name: str) -> Callable[[str], bool]:
    """`same_model(name, …)` for checking many names against one (a 50,000-model list):
    a cheap substring test first, the full parse only for the few names that pass it."""
    key = model_key(name)
    core = key.rpartition("/")[2].partition(":")[0]

    def matches(other: str) -> bool:
        return core in other.casefold() and model_key(other) == key

    return matches
