"""`qgoose-tui create|push|rebuild` and `info NAME --modelfile`: variants without writing a
Modelfile, on the operations in tui/ops/variants.py."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Callable
from typing import Any

from tui.cli.commands import EXIT_ERROR, EXIT_OK, BadInput, Command, ProgressLine
from tui.core.format import human_size, printable
from tui.core.model_params import ParameterError, parse_assignments, parse_value
from tui.core.recipes import QUANTIZE_TYPES, Recipe
from tui.ollama import OllamaError, PullEvent
from tui.ops.variants import (
    NameTaken,
    VariantRefused,
    create_variant,
    modelfile_of,
    push_model,
    rebuild_variants,
)

# A prompt template is a few KiB (the longest in Ollama's library, ~10 KiB): more is the
# wrong file, and it would be kept in every recipe.
MAX_TEMPLATE_BYTES = 256 * 1024

# The flags for the parameters people change most, and the names Ollama gives them.
_NAMED_PARAMETERS = (("temperature", "temperature", "X"), ("top_p", "top-p", "X"),
                     ("top_k", "top-k", "N"), ("repeat_penalty", "repeat-penalty", "X"))


def add_arguments(add: Callable[..., argparse.ArgumentParser], is_tty: Callable[[Any], bool],
                  ) -> None:
    """The commands, added with the parser's `add(name, help, handler)`."""
    create = add("create", "make a variant of an installed model: another context length, "
                 "system prompt or parameters, or quantized weights (no Modelfile needed)",
                 lambda c, a: cmd_create(c, a, is_tty(c.out)))
    create.add_argument("name", metavar="NEW")
    create.add_argument("--from", dest="base", required=True, metavar="BASE")
    create.add_argument("--num-ctx", "--ctx", dest="num_ctx", metavar="N",
                        help="context length in tokens, e.g. 32768 or 32k (k = 1,024)")
    create.add_argument("--system", metavar="TEXT", help="the system prompt")
    create.add_argument("--template", metavar="FILE",
                        help="the prompt template (a Go template), read from FILE as "
                             "written; - reads it from standard input")
    for name, flag, metavar in _NAMED_PARAMETERS:
        create.add_argument(f"--{flag}", dest=name, metavar=metavar)
    create.add_argument("--stop", action="append", default=[], metavar="S",
                        help="a stop sequence (repeat for more; replaces the base's)")
    create.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="any other of Ollama's parameters, e.g. seed=42 (repeatable)")
    create.add_argument("--quantize", type=str.upper, choices=list(QUANTIZE_TYPES),
                        help="quantize the weights (the base's must be F16, BF16 or F32)")
    create.add_argument("--force", action="store_true",
                        help="replace an existing model of that name")
    add("push", "push a model to its registry (the name needs your namespace: YOU/model)",
        lambda c, a: cmd_push(c, a.name, is_tty(c.out))).add_argument("name")
    rebuild = add("rebuild", "make variants again from their updated base, keeping their "
                  "names (none named: every variant whose base was updated)",
                  lambda c, a: cmd_rebuild(c, a.names))
    rebuild.add_argument("names", nargs="*", metavar="NAME")
    rebuild.add_argument("--all", action="store_true",
                         help="every variant whose base was updated (the default)")


def template_from(path: str) -> str:
    """The template in the file at `path` (`-`: standard input), as written; raises
    BadInput when it cannot be read, is not UTF-8 text, is empty or is far too big."""
    try:
        data = _stdin_bytes() if path == "-" else _file_bytes(path)
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise BadInput(f"--template {path}: cannot read it ({reason})") from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise BadInput(f"--template {path}: over {MAX_TEMPLATE_BYTES // 1024} KiB, which "
                       "no prompt template is")
    try:
        text = data.decode("utf-8-sig")  # an editor's byte-order mark is not template
    except UnicodeDecodeError as exc:
        raise BadInput(f"--template {path}: not UTF-8 text (byte {exc.start + 1})") from None
    if not text.strip():
        raise BadInput(f"--template {path}: empty (leave --template out to keep the "
                       "base's template)")
    return text


def _file_bytes(path: str) -> bytes:
    """A regular file's first bytes. Opened without waiting, its type is known before it is
    read: a FIFO would wait for a writer forever (and hold Ctrl-C back), a device never ends."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as file:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"
            raise BadInput(f"--template {path}: cannot read it (it is {kind})")
        return file.read(MAX_TEMPLATE_BYTES + 1)


def _stdin_bytes() -> bytes:
    """Standard input's first bytes, when something is piped in: a terminal would wait
    silently for text no one knows to type."""
    if sys.stdin is None or sys.stdin.closed:
        raise BadInput("--template -: standard input is closed; pipe the template in, or "
                       "give a file")
    if sys.stdin.isatty():
        raise BadInput("--template -: standard input is a terminal; pipe the template in "
                       "(--template - < FILE), or give a file")
    return sys.stdin.buffer.read(MAX_TEMPLATE_BYTES + 1)


def recipe_of(args: argparse.Namespace, template: str = "") -> Recipe:
    """The recipe the flags ask for, with `template` (the --template file's text); raises
    ParameterError for a wrong value."""
    parameters = parse_assignments(args.param)
    if args.num_ctx is not None:
        parameters["num_ctx"] = parse_value("num_ctx", args.num_ctx)
    for name, _, _ in _NAMED_PARAMETERS:
        text = getattr(args, name)
        if text is not None:
            parameters[name] = parse_value(name, text)
    if args.stop:
        parameters["stop"] = [*parameters.get("stop", []),
                              *(s for text in args.stop for s in parse_value("stop", text))]
    return Recipe(args.base, parameters, args.system or "", template, args.quantize or "")


async def cmd_create(cmd: Command, args: argparse.Namespace, is_tty: bool = False) -> int:
    try:  # read before anything is sent: a file that cannot be used creates nothing
        template = template_from(args.template) if args.template is not None else ""
    except BadInput as exc:
        return cmd.fail(exc, model=args.name)
    try:
        recipe = recipe_of(args, template)
        show = _shower(cmd, args.name, is_tty)
        try:
            result = await create_variant(cmd.session, args.name, recipe,
                                          replace_existing=args.force, on_event=show)
        finally:
            show.finish()
    except (ParameterError, OllamaError, VariantRefused) as exc:
        return _failed(cmd, exc, args.name)
    if not result.recipe_kept:
        print(f"qgoose-tui: note: recipe not kept (rebuild will not know {result.model}): "
              f"{printable(cmd.history.problem)}", file=cmd.err)
    _report(cmd, result.to_json(), result.message)
    return EXIT_OK


async def cmd_push(cmd: Command, name: str, is_tty: bool = False) -> int:
    show = _shower(cmd, name, is_tty)
    try:
        result = await push_model(cmd.session, name, on_event=show)
    except (OllamaError, VariantRefused) as exc:
        return _failed(cmd, exc, name)
    finally:
        show.finish()
    _report(cmd, result.to_json(), f"Pushed {result.model} ({human_size(result.pushed_bytes)})")
    return EXIT_OK


async def cmd_modelfile(cmd: Command, name: str) -> int:
    try:
        result = await modelfile_of(cmd.session, name)
    except OllamaError as exc:
        return cmd.fail(exc, model=name)
    if cmd.as_json:
        cmd.emit(result.to_json())
    else:
        cmd.say(printable(result.modelfile, multiline=True))
    return EXIT_OK


async def cmd_rebuild(cmd: Command, names: list[str]) -> int:
    def show(model: str, event: PullEvent) -> None:
        if not cmd.as_json and event.status and not event.digest:
            cmd.say(f"{printable(model)}: {printable(event.status)}")

    try:
        result = await rebuild_variants(cmd.session, names, on_event=show)
    except (OllamaError, ValueError) as exc:
        return cmd.fail(exc)
    if cmd.as_json:
        cmd.emit(result.to_json())
    else:
        for outcome in result.outcomes:
            if outcome.status == "error":
                print(f"qgoose-tui: error: {printable(outcome.message)}", file=cmd.err)
            else:
                cmd.say(printable(outcome.message))
        if not result.outcomes:
            cmd.say("No variant made here needs rebuilding: their bases are unchanged")
    return EXIT_OK if result.ok else EXIT_ERROR


class _Shower:
    """Ollama's progress lines as a command shows them: a line redrawn in place on a
    terminal (bytes while a quantize or an upload counts them), one line a phase in a log,
    nothing for --json."""

    def __init__(self, cmd: Command, name: str, is_tty: bool) -> None:
        self.cmd, self.name = cmd, name
        self.line = ProgressLine(cmd.out) if is_tty and not cmd.as_json else None
        self.last = ""

    def __call__(self, event: PullEvent) -> None:
        if self.cmd.as_json or not event.status:
            return
        text = f"{self.name}: {event.status}"
        if event.total and event.completed is not None:
            text += f" {event.completed / event.total:4.0%} of {human_size(event.total)}"
        if self.line is not None:
            self.line.draw(text)
        elif event.status != self.last:
            self.cmd.say(printable(f"{self.name}: {event.status}"))
        self.last = event.status

    def finish(self) -> None:
        if self.line is not None and self.last:
            self.line.finish()


def _shower(cmd: Command, name: str, is_tty: bool) -> _Shower:
    return _Shower(cmd, name, is_tty)


def _failed(cmd: Command, exc: Exception, name: str) -> int:
    if isinstance(exc, NameTaken):
        exc = VariantRefused(f"{exc.model} already exists: --force replaces it", usage=False)
    usage = isinstance(exc, ParameterError) or (isinstance(exc, VariantRefused) and exc.usage)
    return cmd.fail(BadInput(str(exc)) if usage else exc, model=name)


def _report(cmd: Command, payload: dict[str, Any], message: str) -> None:
    if cmd.as_json:
        cmd.emit(payload)
    else:
        cmd.say(printable(message))
