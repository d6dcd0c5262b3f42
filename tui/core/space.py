"""What models really take on disk. Ollama stores each blob once: two tags of one model
(`gemma3:latest` and `gemma3:4b`) share every layer, and a copy (`ollama cp`) shares them too.

A model's storage is known by its weights blob (the `FROM …/blobs/sha256-…` line of
/api/show's modelfile) or, before its details arrive, by its manifest digest (an identical
manifest means identical layers). Sizes are the models' own (the weights are nearly all of
it); where some details are missing the answer says it is approximate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby

from tui.ollama.models import ModelInfo, ModelSummary
from tui.ollama.names import model_key, same_model

_WEIGHTS = re.compile(r"^FROM\s+\S*blobs[/\\](sha256[-:][0-9a-f]{64})", re.MULTILINE)

InfoOf = Callable[[ModelSummary], ModelInfo | None]


def weights_blob(info: ModelInfo | None) -> str | None:
    match = _WEIGHTS.search(info.modelfile) if info is not None else None
    return match.group(1).replace(":", "-") if match else None


def storage_groups(models: Iterable[ModelSummary], info_of: InfoOf) -> dict[str, int]:
    """Model key → the number of its storage group. Models are in one group when they share
    a manifest digest or a weights blob (directly or through another model)."""
    # Union-find over model keys and ("manifest" | "blob", digest) pairs: pairs of strings
    # the models already hold, not new strings (thousands of models, at each new detail).
    parent: dict[object, object] = {}

    def root(key: object) -> object:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    names = []
    for model in models:
        name = model_key(model.name)
        names.append(name)
        for shared in (("manifest", model.digest), ("blob", weights_blob(info_of(model)))):
            if shared[1]:
                parent[root(shared)] = root(name)
    roots: dict[object, int] = {}
    return {name: roots.setdefault(root(name), len(roots)) for name in names}


def disk_used(models: Iterable[ModelSummary], info_of: InfoOf) -> int:
    """Bytes on disk, each shared blob counted once (cloud stubs count their few bytes)."""
    models = list(models)
    if any(weights_blob(info_of(model)) for model in models):
        groups = storage_groups(models, info_of)
        sizes: dict[int, int] = {}
        for model in models:
            group = groups[model_key(model.name)]
            sizes[group] = max(sizes.get(group, 0), model.size)
        return sum(sizes.values())

    # No weights blob known yet (before the details come): a manifest digest is a group of
    # its own. Sorted by it rather than counted in tables: the status bar asks while
    # thousands of models are drawn.
    def digest(model: ModelSummary) -> str:
        return model.digest or model_key(model.name)

    return sum(max(model.size for model in same)
               for _, same in groupby(sorted(models, key=digest), key=digest))


@dataclass
class SpaceFreed:
    freed: int = 0  # bytes a deletion gives back
    kept: int = 0  # bytes that stay because models not deleted share them
    shared_with: dict[str, list[str]] = field(default_factory=dict)  # deleted → keepers
    approximate: bool = False  # some models' details were missing


def freed_by_deleting(name: str, installed: list[ModelSummary], info_of: InfoOf) -> int:
    """Bytes deleting the model called `name` gives back (0 when it is not installed)."""
    chosen = [m for m in installed if same_model(m.name, name)]
    return space_freed(chosen, installed, info_of).freed


def space_freed(deleting: list[ModelSummary], installed: list[ModelSummary],
                info_of: InfoOf) -> SpaceFreed:
    leaving = {model_key(m.name) for m in deleting}
    everyone = {model_key(m.name): m for m in [*installed, *deleting]}
    groups = storage_groups(everyone.values(), info_of)
    keepers: dict[int, list[str]] = {}
    for key, model in everyone.items():
        if key not in leaving:
            keepers.setdefault(groups[key], []).append(model.name)
    result = SpaceFreed(approximate=any(info_of(m) is None and not m.is_remote
                                        for m in everyone.values()))
    counted: set[int] = set()
    for model in deleting:
        group = groups[model_key(model.name)]
        if group in keepers:
            result.kept += model.size
            result.shared_with[model.name] = keepers[group]
        elif group not in counted:
            result.freed += model.size
        counted.add(group)
    return result
