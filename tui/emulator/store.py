"""The emulator's state: installed models, blobs on "disk" (partial ones kept), loaded models."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from tui.emulator.blobs import BlobStore
from tui.emulator.catalog import CatalogModel
from tui.emulator.demo_models import DEMO_INSTALLED, demo_catalog, generated_models
from tui.emulator.names import DEFAULT_HOST, ModelName, parse_name

DEFAULT_KEEP_ALIVE = 300.0
# keep_alive < 0 is Go's largest duration (2^63-1 ns, about 292 years) from now.
FOREVER = timedelta(microseconds=(2**63 - 1) // 1000)


def key_of(name: ModelName) -> str:
    """Ollama compares names case-insensitively, on the full form."""
    return name.full.casefold()


@dataclass
class Installed:
    model: CatalogModel
    name: str  # the display name it was installed under (copies have their own)
    modified_at: datetime


@dataclass
class Loaded:
    name: str
    expires_at: datetime
    num_ctx: int
    used_at: float = 0.0  # when last asked for: the scheduler unloads the oldest first


class Store:
    def __init__(self, catalog: list[CatalogModel], installed: dict[str, int],
                 extra_models: int = 0) -> None:
        generated = generated_models(extra_models)
        self.catalog = {key_of(parse_name(m.name)): m for m in [*catalog, *generated]}
        self.installed: dict[str, Installed] = {}
        self.blobs: dict[str, int] = {}  # digest → bytes on disk
        self.contents = BlobStore()  # digest → the real bytes, for small and uploaded models
        self.loaded: dict[str, Loaded] = {}
        # What the registry holds (digest → size): pushes skip these blobs, as Ollama's do.
        self.registry_blobs = {layer.digest: layer.size for m in self.catalog.values()
                               for layer in m.layers}
        now = datetime.now(UTC)
        for name, days in [*installed.items(), *((m.name, 30) for m in generated)]:
            model = self.catalog[key_of(parse_name(name))]
            self.install(model, model.name, now - timedelta(days=days, minutes=len(name)))

    @classmethod
    def small(cls, names: list[str]) -> Store:
        """A store of tiny models whose blobs are real bytes (transfers can be verified);
        the registry knows them too."""
        from tui.emulator.disk import small_model

        store = cls([], {})
        for name in names:
            model, contents = small_model(name)
            store.catalog[key_of(parse_name(name))] = model
            store.contents.update(contents)
            store.install(model, name)
        return store

    @classmethod
    def demo(cls, extra_models: int = 0) -> Store:
        store = cls(demo_catalog(), DEMO_INSTALLED, extra_models)
        store.load(parse_name("llama3.2:latest"), 30 * 60)  # something to show in `ps`
        return store

    # -- queries -------------------------------------------------------------------------
    def find_installed(self, name: ModelName) -> Installed | None:
        return self.installed.get(key_of(name))

    def find_catalog(self, name: ModelName) -> CatalogModel | None:
        return self.catalog.get(key_of(name))

    def installed_sorted(self) -> list[Installed]:
        """Newest first, as Ollama lists them."""
        return sorted(self.installed.values(), key=lambda m: m.modified_at, reverse=True)

    def find_loaded(self, name: ModelName) -> Loaded | None:
        self.running()  # drop the expired ones first
        return self.loaded.get(key_of(name))

    def running(self) -> list[Loaded]:
        now = datetime.now(UTC)
        for key, entry in list(self.loaded.items()):
            if entry.expires_at <= now or key not in self.installed:
                del self.loaded[key]
        return list(self.loaded.values())

    def registry_manifest(self, namespace: str, model: str, tag: str) -> CatalogModel | None:
        """The registry's current version of `namespace/model:tag`, on whatever registry
        the client took us for (the default one first)."""
        wanted = f"{namespace}/{model}:{tag}".casefold()
        found = self.catalog.get(f"{DEFAULT_HOST}/{wanted}")
        if found is not None:
            return found
        return next((m for key, m in self.catalog.items() if key.endswith("/" + wanted)), None)

    # -- changes -------------------------------------------------------------------------
    def make_outdated(self, count: int) -> list[str]:
        """Give the registry a newer version of `count` installed models (by name; never
        llama3.2, whose layers are the real ones, nor cloud models): updates to find."""
        chosen = [e for e in sorted(self.installed.values(), key=lambda e: e.name)
                  if not e.model.is_remote and e.name != "llama3.2:latest"][:max(count, 0)]
        for entry in chosen:
            self.catalog[key_of(parse_name(entry.name))] = entry.model.newer()
        return [entry.name for entry in chosen]

    def publish(self, name: str, changes: tuple[str, ...] = (),
                style: str | None = None) -> CatalogModel:
        """The registry's next version of `name`: `changes` as CatalogModel.newer takes
        them (none: the same layers), its manifest laid out in `style` when given."""
        key = key_of(parse_name(name))
        model = self.catalog[key].newer(changes) if changes else self.catalog[key]
        self.catalog[key] = replace(model, manifest_style=style) if style else model
        return self.catalog[key]

    def install(self, model: CatalogModel, name: str, when: datetime | None = None) -> bool:
        """Install (or replace) `name`; True when it replaced other layers, now unused."""
        for layer in model.layers:
            self.blobs[layer.digest] = layer.size
        key = key_of(parse_name(name))
        before = self.installed.get(key)
        self.installed[key] = Installed(model, parse_name(name).display,
                                        when or datetime.now(UTC))
        return before is not None and before.model.layers != model.layers

    def delete(self, name: ModelName) -> bool:
        entry = self.installed.pop(key_of(name), None)
        if entry is None:
            return False
        self.loaded.pop(key_of(name), None)
        in_use = {layer.digest for m in self.installed.values() for layer in m.model.layers}
        for layer in entry.model.layers:
            # Whole layers no model uses go, as Ollama prunes them; partial downloads stay.
            if layer.digest not in in_use and self.blobs.get(layer.digest) == layer.size:
                del self.blobs[layer.digest]
        return True

    def copy(self, source: ModelName, destination: ModelName) -> bool:
        entry = self.find_installed(source)
        if entry is None:
            return False
        self.install(entry.model, destination.display)
        return True

    def load(self, name: ModelName, keep_alive_seconds: float | None,
             num_ctx: int = 4096) -> None:
        """Load (or keep loaded) a model; keep_alive None is the default, inf forever."""
        seconds = DEFAULT_KEEP_ALIVE if keep_alive_seconds is None else keep_alive_seconds
        now = datetime.now(UTC)
        forever = math.isinf(seconds) or seconds < 0
        expires = now + (FOREVER if forever else timedelta(seconds=seconds))
        entry = self.find_installed(name)
        assert entry is not None
        # Re-inserted at the end: the GPU is filled in the order models were loaded.
        self.loaded.pop(key_of(name), None)
        self.loaded[key_of(name)] = Loaded(entry.name, expires, num_ctx, time.monotonic())

    def unload(self, name: ModelName) -> None:
        self.loaded.pop(key_of(name), None)


