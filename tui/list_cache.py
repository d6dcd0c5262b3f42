"""The last model list seen from each host, kept in the user's cache directory.

The app draws it at once on the next start (marked as not yet confirmed), so the grid is
there before the network answers. A missing or damaged file is simply no cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import platformdirs

from tui.ollama.host import redact
from tui.ollama.models import ModelSummary

APP_NAME = "qgoose-tui"


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "model-lists"


class ListCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_cache_dir()

    def path_for(self, base_url: str) -> Path:
        # Named by a hash of the address without its password: no secret in a file name.
        digest = hashlib.sha256(redact(base_url).encode()).hexdigest()[:24]
        return self.directory / f"{digest}.json"

    def load(self, base_url: str) -> list[ModelSummary] | None:
        try:
            data = json.loads(self.path_for(base_url).read_bytes())
        except (OSError, ValueError):
            return None
        entries = data.get("models") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            return None
        return [ModelSummary.from_json(e) for e in entries if isinstance(e, dict)]

    def save(self, base_url: str, models: list[ModelSummary]) -> None:
        """Write atomically; a cache that cannot be written is not worth an error."""
        path = self.path_for(base_url)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".list.", dir=path.parent)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                # One model at a time: 5,000 models never sit in memory twice.
                handle.write('{"models":[')
                for index, model in enumerate(models):
                    handle.write(("," if index else "") + json.dumps(model.to_json()))
                handle.write("]}")
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
