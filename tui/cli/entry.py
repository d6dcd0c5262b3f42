"""The `qgoose-tui` program's entry point: the command line in a process of its own.

httpx and httpcore import some packages whenever they are installed, only to offer what this
program never uses: httpcore's trio backend (`trio`), httpx's own command line (`click`, and
through it pygments and rich's syntax modules), httpx's zstd decoding (`zstandard`: Ollama
answers in plain or gzip, and without it httpx simply does not ask for zstd). Other tools put
them beside us (test tools, a shared virtual environment), and then every start paid ~200 ms
and ~9 MiB for them. This
process is ours alone, so they are kept out of it; in-process callers (tests) use main()."""

from __future__ import annotations

import sys
from collections.abc import Sequence

NEVER_USED = ("trio", "click", "zstandard")


def run(argv: Sequence[str] | None = None) -> int:
    for name in NEVER_USED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # import raises
    from tui.cli.parser import main

    return main(argv)
