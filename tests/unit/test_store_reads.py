"""A models directory read as a transfer's source: a file is read only from inside it, even
when someone swaps one of its folders for a link between the check and the read."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tui.services.transfer.source import TransferError
from tui.services.transfer.store import open_inside

SECRET = b"a file outside the models directory"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "models"
    (root / "blobs").mkdir(parents=True)
    (root / "blobs" / "sha256-aa").write_bytes(b"the model's bytes")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "sha256-aa").write_bytes(SECRET)
    return root.resolve()


def test_a_blob_inside_is_read(store: Path) -> None:
    with open_inside(store, store / "blobs" / "sha256-aa", "the blob") as handle:
        assert handle.read() == b"the model's bytes"


@pytest.mark.skipif(os.open not in os.supports_dir_fd, reason="no openat on this system")
def test_a_folder_swapped_for_a_link_after_the_check_is_not_followed(
        store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blob = store / "blobs" / "sha256-aa"
    stat = os.stat

    def swap_in_the_window(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        """What someone with write access to the directory does between the check that
        the blob is inside and the read: `blobs` becomes a link to another folder."""
        result = stat(path, *args, **kwargs)
        if Path(path) == blob and not (store / "blobs").is_symlink():
            (store / "blobs").rename(store / "blobs-old")
            (store / "blobs").symlink_to(store.parent / "outside")
        return result

    monkeypatch.setattr(os, "stat", swap_in_the_window)
    with pytest.raises(TransferError, match="a folder of its path is now a link or a file"):
        open_inside(store, blob, "the blob")
