"""Blob digests as Ollama writes them: `sha256:` and 64 lowercase hex digits.

A digest read from a manifest (a models directory, a bundle, a registry) names a file and a
URL (`blobs/sha256-<hex>`, `/api/blobs/sha256:<hex>`), so anything else in its place (an
absolute path, `../create`, a directory) is refused here, where the manifest is read, before
it can name anything. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import re

_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_SHOWN = 80  # characters of a refused value quoted in the message


class BadDigest(ValueError):
    """Not a digest; the message quotes (the start of) what was found instead."""


def is_digest(value: object) -> bool:
    return isinstance(value, str) and _DIGEST.fullmatch(value) is not None


def check_digest(value: object) -> str:
    """`value` when it is a digest; raises BadDigest saying what it is instead."""
    if is_digest(value):
        return str(value)
    shown = repr(value) if not isinstance(value, str) else \
        repr(value[:_SHOWN] + ("…" if len(value) > _SHOWN else ""))
    raise BadDigest(f"{shown} is not a digest (sha256: and 64 lowercase hex digits)")


def blob_file_name(digest: str) -> str:
    """The blob's file name in a models directory: `sha256-<hex>`. Checks the digest."""
    return check_digest(digest).replace(":", "-", 1)


def bytes_match(data: bytes, digest: str) -> bool:
    """Whether `data` is the blob `digest` names (its SHA-256): what a registry sent is
    trusted only then."""
    return is_digest(digest) and hashlib.sha256(data).hexdigest() == digest[len("sha256:"):]
