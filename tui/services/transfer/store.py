"""An Ollama models directory as a source: `manifests/<registry>/<namespace>/<model>/<tag>`
and `blobs/sha256-<hex>`. The one of the machine the app runs on, or a host's `models_dir`
(an sshfs mount shows the remote box's absolute symlinks, which resolve here).

Only regular files inside the directory are read: a link that leads out of it, a directory,
a FIFO or a device in place of a blob or a manifest is refused, never opened.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import IO

from tui.ollama.digests import blob_file_name
from tui.ollama.errors import InvalidNameError
from tui.ollama.names import parse_name
from tui.services.config import DEMO_FOLDER_PREFIX
from tui.services.transfer.source import BlobSource, Layer, LocalModel, TransferError, shown

MAX_MANIFEST_BYTES = 1 << 20  # real manifests are about 1 KB
# Open without following a link (the path is resolved already: a link there now was put
# there since), without waiting on a FIFO, and not into programs the app starts.
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0))
# Folders are only passed through (O_PATH: search permission is enough, as for a plain open).
_DIR_FLAGS = (getattr(os, "O_PATH", os.O_RDONLY) | getattr(os, "O_DIRECTORY", 0)
              | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))


class _Missing(TransferError):
    pass


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device")):
        if test(mode):
            return name
    return "not a regular file"


def open_beneath(root: Path, real: Path) -> int:
    """`real` (resolved, inside `root`) opened from `root` one directory at a time, never
    through a link: a directory of its path swapped for a link since `real` was resolved
    (to lead out of `root`) makes this fail, where opening `real` would follow it."""
    if os.open not in os.supports_dir_fd:  # no openat here: the final component only
        return os.open(real, _OPEN_FLAGS)
    *folders, name = real.relative_to(root).parts
    fd = os.open(root, _DIR_FLAGS & ~getattr(os, "O_NOFOLLOW", 0))  # the root may be a link
    try:
        for folder in folders:
            inner = os.open(folder, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = inner
        return os.open(name, _OPEN_FLAGS, dir_fd=fd)
    finally:
        os.close(fd)


def open_inside(root: Path, path: Path, what: str) -> IO[bytes]:
    """`path` opened for reading, when it is a regular file inside `root` (resolved) once
    every link is followed. Raises TransferError."""
    try:
        real = path.resolve(strict=True)
        if not real.is_relative_to(root):
            raise TransferError(f"{what} {path} is a link that leads out of {root} (to "
                                f"{shown(str(real))})")
        # The type is known before opening: a device is never opened, a FIFO never read.
        kind = os.stat(real).st_mode
        if stat.S_ISREG(kind):
            try:
                fd = open_beneath(root, real)
            except OSError as exc:
                if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                    raise
                raise TransferError(f"{what} {path} changed while it was read: a folder of "
                                    "its path is now a link or a file") from None
            kind = os.fstat(fd).st_mode  # the file opened, should it have been swapped
            if stat.S_ISREG(kind):
                return os.fdopen(fd, "rb")
            os.close(fd)
    except FileNotFoundError:
        raise _Missing(f"cannot read {what} {path}: No such file or directory") from None
    except RuntimeError:  # a loop of links (before Python 3.13)
        raise TransferError(f"cannot read {what} {path}: a loop of links") from None
    except OSError as exc:
        raise TransferError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    raise TransferError(f"{what} {path} is {_file_type(kind)}, not a file")


class ModelsDir(BlobSource):
    def __init__(self, path: Path) -> None:
        self.path = path

    def _root(self) -> Path:
        try:
            root = self.path.resolve(strict=True)
        except FileNotFoundError:
            if DEMO_FOLDER_PREFIX in str(self.path):  # use_demo_hosts' stand-in
                raise TransferError("the demo's hosts keep their models in memory, with no "
                                    "models directory to read: transfer and export need a "
                                    "real Ollama's models_dir") from None
            raise TransferError(f"{self.path} does not exist; is this the source host's "
                                "models directory?") from None
        except (OSError, RuntimeError) as exc:
            raise TransferError(f"cannot read {self.path}: "
                                f"{getattr(exc, 'strerror', None) or exc}") from exc
        if not root.is_dir():
            raise TransferError(f"{self.path} is not a directory; is this the source host's "
                                "models directory?")
        return root

    def model(self, name: str) -> LocalModel:
        try:
            parsed = parse_name(name)
        except InvalidNameError as exc:
            raise TransferError(str(exc)) from exc
        root = self._root()
        manifest = root / "manifests" / parsed.host / parsed.namespace / parsed.model \
            / parsed.tag
        try:
            with open_inside(root, manifest, "the manifest") as handle:
                data = handle.read(MAX_MANIFEST_BYTES + 1)
        except _Missing:
            raise TransferError(f"{parsed.display} is not in {self.path} (no {manifest}); is "
                                "this the source host's models directory?") from None
        except OSError as exc:
            raise TransferError(f"cannot read {manifest}: {exc.strerror or exc}") from exc
        if len(data) > MAX_MANIFEST_BYTES:
            raise TransferError(f"{manifest} is far too big to be a manifest; refused")
        return LocalModel.parse(parsed.display, data)

    def open(self, layer: Layer) -> IO[bytes]:
        root = self._root()
        path = root / "blobs" / blob_file_name(layer.digest)
        handle = open_inside(root, path, f"the {layer.kind} blob")
        size = os.fstat(handle.fileno()).st_size
        if size != layer.size:
            handle.close()
            raise TransferError(f"the {layer.kind} blob {path} holds {size:,} bytes, but its "
                                f"manifest says {layer.size:,}")
        return handle
