"""Files this program creates for the user (a saved Modelfile, an export's temporary file):
always new ones. Created exclusively and without following links, so a file someone left
under the name is never replaced, nor a link there written through (even a dangling one,
which would otherwise create its target). Plain file I/O, nothing else.
"""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path
from typing import BinaryIO

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
MAX_NUMBER = 99  # NAME-99.SUFFIX at most: beyond, something else is wrong


def open_new(path: Path, permissions: int = 0o666) -> BinaryIO:
    """`path`, a file made by this call, open for writing bytes (the umask applies to
    `permissions`). Raises FileExistsError when anything has that name, link included,
    or another OSError."""
    fd = os.open(path, _NEW_FILE, permissions)
    try:
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


def write_new_file(folder: Path, stem: str, suffix: str, text: str) -> Path:
    """`text` (UTF-8) in a file of `folder` that did not exist: STEM.SUFFIX, else
    STEM-2.SUFFIX, … up to STEM-99.SUFFIX; returns its path. Raises OSError."""
    for number in range(1, MAX_NUMBER + 1):
        path = folder / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
        try:
            raw = open_new(path, 0o644)
        except FileExistsError:
            continue
        with io.TextIOWrapper(raw, encoding="utf-8") as handle:
            handle.write(text)
        return path
    raise FileExistsError(errno.EEXIST, f"{MAX_NUMBER} files of that name are there already")
