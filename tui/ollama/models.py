"""Plain, frozen data parsed from Ollama's JSON.

Servers of different versions add and drop fields (see tests/fixtures/), so every parser
accepts unknown keys, missing keys, nulls and wrongly typed values, falling back to
empty defaults rather than failing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from sys import intern
from types import MappingProxyType
from typing import Any, TypeVar

from tui.ollama.errors import ProtocolError


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


# Ollama's integers are Go int64s; anything wider is not a figure it sent.
_INT64 = range(-(2**63), 2**63)
# No model file comes near a pebibyte (the largest published ones are about 1.5 TB):
# a bigger size, or a negative one, is nonsense and shown as unknown.
MAX_SIZE_BYTES = 1 << 50


def _int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        value = int(value)
    return value if isinstance(value, int) and value in _INT64 else None


def _size(data: Mapping[str, Any], key: str) -> int | None:
    """A byte count, or None when missing, mistyped, negative or absurdly large."""
    value = _int(data, key)
    return value if value is not None and 0 <= value <= MAX_SIZE_BYTES else None


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def _mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


_T = TypeVar("_T")

# Go prints up to 9 fractional digits; Python's fromisoformat takes at most 6.
_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_timestamp(text: str) -> datetime | None:
    """An RFC 3339 time as Ollama writes it (nanoseconds, zone offset or Z), or None."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)  # Go's nanoseconds and Z too, from Python 3.11
    except ValueError:
        try:  # what 3.11's reader refuses (a lower-case z, say), in the form it reads
            moment = datetime.fromisoformat(_FRACTION.sub(r"\1", text.upper().replace(
                "Z", "+00:00")))
        except ValueError:
            return None
    if moment.tzinfo is None:  # RFC 3339 has a zone; without one, UTC (never naive: naive
        moment = moment.replace(tzinfo=UTC)  # and zoned times cannot be compared)
    # Go's zero time (0001-01-01, what ollama.com sends for its models) means "not known".
    return moment if moment.year > 1 else None


def require_object(data: Any, what: str) -> Mapping[str, Any]:
    """The decoded JSON when it is an object; otherwise a ProtocolError naming `what`."""
    if not isinstance(data, dict):
        raise ProtocolError(f"Ollama's answer to {what} was not a JSON object")
    return data


@dataclass(frozen=True, slots=True)
class ModelDetails:
    parent_model: str = ""
    format: str = ""
    family: str = ""
    families: tuple[str, ...] = ()
    parameter_size: str = ""
    quantization_level: str = ""
    context_length: int | None = None
    embedding_length: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ModelDetails:
        # The same few words ("gguf", "llama", "Q4_K_M") recur in every entry of a long
        # list, and often the same details whole: one copy of each, not one per model.
        fields = (_str(data, "parent_model"), intern(_str(data, "format")),
                  intern(_str(data, "family")),
                  tuple(intern(f) for f in _strings(data, "families")),
                  intern(_str(data, "parameter_size")),
                  intern(_str(data, "quantization_level")),
                  _int(data, "context_length"), _int(data, "embedding_length"))
        details = _DETAILS.get(fields)
        if details is None:
            if len(_DETAILS) >= _DETAILS_KEPT:
                _DETAILS.clear()  # a bound, for a session that sees ever new models
            details = _DETAILS[fields] = cls(*fields)
        return details

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "parent_model": self.parent_model,
            "format": self.format,
            "family": self.family,
            "families": list(self.families) or None,
            "parameter_size": self.parameter_size,
            "quantization_level": self.quantization_level,
        }
        if self.context_length is not None:
            out["context_length"] = self.context_length
        if self.embedding_length is not None:
            out["embedding_length"] = self.embedding_length
        return out


_DETAILS: dict[tuple[Any, ...], ModelDetails] = {}  # each distinct details, kept once
_DETAILS_KEPT = 50_000


class Listing(list[_T]):
    """A server's list of models, less the entries that could not be used.

    `skipped` counts entries dropped because they had no name (or were not objects):
    shown as blank rows they would mislead, so they are left out and the user told.
    """

    skipped: int = 0


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """One entry of /api/tags."""

    name: str
    size: int = 0
    digest: str = ""
    modified_at_text: str = ""
    details: ModelDetails = field(default_factory=ModelDetails)
    capabilities: tuple[str, ...] = ()
    remote_model: str = ""
    remote_host: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ModelSummary:
        return cls(
            name=_str(data, "name") or _str(data, "model"),
            size=_size(data, "size") or 0,
            digest=_str(data, "digest"),
            modified_at_text=_str(data, "modified_at"),
            details=ModelDetails.from_json(_mapping(data, "details")),
            capabilities=_strings(data, "capabilities"),
            remote_model=_str(data, "remote_model"),
            remote_host=_str(data, "remote_host"),
        )

    @property
    def modified_at(self) -> datetime | None:
        return parse_timestamp(self.modified_at_text)

    @property
    def is_remote(self) -> bool:
        """A cloud model: served elsewhere, only a stub on disk."""
        return bool(self.remote_host or self.remote_model) or self.name.endswith(":cloud")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "size": self.size,
            "digest": self.digest,
            "modified_at": self.modified_at_text,
            "details": self.details.to_json(),
        }
        if self.capabilities:
            out["capabilities"] = list(self.capabilities)
        if self.remote_host or self.remote_model:
            out["remote_model"] = self.remote_model
            out["remote_host"] = self.remote_host
        return out


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """The answer of /api/show for one model."""

    name: str
    license: str = ""
    modelfile: str = ""
    parameters: str = ""
    template: str = ""
    system: str = ""
    details: ModelDetails = field(default_factory=ModelDetails)
    model_info: Mapping[str, Any] = field(default_factory=dict)
    projector_info: Mapping[str, Any] = field(default_factory=dict)
    capabilities: tuple[str, ...] = ()
    modified_at_text: str = ""
    remote_model: str = ""
    remote_host: str = ""

    @classmethod
    def from_json(cls, name: str, data: Mapping[str, Any]) -> ModelInfo:
        return cls(
            name=name,
            license=_str(data, "license"),
            modelfile=_str(data, "modelfile"),
            parameters=_str(data, "parameters"),
            template=_str(data, "template"),
            system=_str(data, "system"),
            details=ModelDetails.from_json(_mapping(data, "details")),
            model_info=MappingProxyType(dict(_mapping(data, "model_info"))),
            projector_info=MappingProxyType(dict(_mapping(data, "projector_info"))),
            capabilities=_strings(data, "capabilities"),
            modified_at_text=_str(data, "modified_at"),
            remote_model=_str(data, "remote_model"),
            remote_host=_str(data, "remote_host"),
        )

    @property
    def architecture(self) -> str:
        value = self.model_info.get("general.architecture")
        return value if isinstance(value, str) else ""

    def _arch_int(self, key: str) -> int | None:
        return _int(self.model_info, f"{self.architecture}.{key}") if self.architecture else None

    @property
    def parameter_count(self) -> int | None:
        return _int(self.model_info, "general.parameter_count")

    @property
    def context_length(self) -> int | None:
        return self._arch_int("context_length") or self.details.context_length

    @property
    def embedding_length(self) -> int | None:
        return self._arch_int("embedding_length") or self.details.embedding_length

    def parameter_lines(self) -> list[tuple[str, str]]:
        """The `parameters` text block as (key, value) pairs, in order."""
        pairs = []
        for line in self.parameters.splitlines():
            key, _, value = line.strip().partition(" ")
            if key:
                pairs.append((key, value.strip()))
        return pairs

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model": self.name,
            "details": self.details.to_json(),
            "template": self.template,
            "license": self.license,
            "parameters": self.parameters,
            "system": self.system,
            "modelfile": self.modelfile,
            "model_info": dict(self.model_info),
            "capabilities": list(self.capabilities),
            "modified_at": self.modified_at_text,
        }
        if self.projector_info:
            out["projector_info"] = dict(self.projector_info)
        if self.remote_host or self.remote_model:
            out["remote_model"] = self.remote_model
            out["remote_host"] = self.remote_host
        return out


@dataclass(frozen=True, slots=True)
class RunningModel:
    """One entry of /api/ps: a model loaded in memory."""

    name: str
    size: int = 0
    size_vram: int = 0
    digest: str = ""
    details: ModelDetails = field(default_factory=ModelDetails)
    expires_at_text: str = ""
    context_length: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunningModel:
        return cls(
            name=_str(data, "name") or _str(data, "model"),
            size=_size(data, "size") or 0,
            size_vram=_size(data, "size_vram") or 0,
            digest=_str(data, "digest"),
            details=ModelDetails.from_json(_mapping(data, "details")),
            expires_at_text=_str(data, "expires_at"),
            context_length=_int(data, "context_length"),
        )

    @property
    def expires_at(self) -> datetime | None:
        return parse_timestamp(self.expires_at_text)

    @property
    def gpu_fraction(self) -> float:
        """Share of the model held in VRAM (1.0 = all on GPU)."""
        return min(self.size_vram / self.size, 1.0) if self.size else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": self.size,
            "size_vram": self.size_vram,
            "digest": self.digest,
            "details": self.details.to_json(),
            "expires_at": self.expires_at_text,
            "context_length": self.context_length,
        }


@dataclass(frozen=True, slots=True)
class PullEvent:
    """One line of a pull's NDJSON progress stream."""

    status: str = ""
    digest: str = ""
    total: int | None = None
    completed: int | None = None
    error: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PullEvent:
        return cls(
            status=_str(data, "status"),
            digest=_str(data, "digest"),
            total=_size(data, "total"),
            completed=_size(data, "completed"),
            error=_str(data, "error"),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status} if self.status else {}
        if self.digest:
            out["digest"] = self.digest
        if self.total is not None:
            out["total"] = self.total
        if self.completed is not None:
            out["completed"] = self.completed
        if self.error:
            out["error"] = self.error
        return out
