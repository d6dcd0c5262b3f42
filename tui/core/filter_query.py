"""The filter language of the filter box and `qgoose-tui list --filter`.

Terms are separated by spaces and must all hold (AND); `-term` negates one:
    llama             a word in the name, family, quantisation or parameter size
    cap:vision        a capability (vision, tools, thinking, embedding, insert, completion)
    family:qwen3      quant:q4   name:coder
    size<5GB  size>=500MB  params>=7b  params<1b  ctx>=32k
    cloud  loaded  current  outdated (a newer version is in the registry)
    unused>30d        not loaded or made current here for 30 days (or weeks: 8w)
A term that cannot be read is reported (never an exception) and ignored, so the rest of the
query still filters.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tui.core.format import parse_size
from tui.core.model_columns import matches, parameter_count
from tui.ollama.models import ModelSummary
from tui.ollama.names import model_key

Predicate = Callable[[ModelSummary], bool]

_UNUSED = re.compile(r"unused>(\d+)([dw])", re.IGNORECASE)
FLAGS = ("cloud", "loaded", "current", "outdated")
FIELDS = ("cap", "family", "quant", "name")
_EXAMPLE = {"cap": "cap:vision", "family": "family:qwen3", "quant": "quant:q4",
            "name": "name:coder"}
# Ollama's capabilities (model/capability.go); a value must start one of them.
CAPABILITIES = ("completion", "tools", "insert", "vision", "embedding", "thinking", "image",
                "audio")
COMPARED = ("size", "params", "ctx")
_COMPARISON = re.compile(r"(size|params|ctx)(<=|>=|<|>|=)(.+)", re.IGNORECASE)
# The one description of the language: the `?` help and `list --help` are made from it, and
# a test checks that the README names every term.
TERMS = (
    ("llama", "a word in the name, family, quantisation or parameter size"),
    ("cap:vision", "a capability (" + ", ".join(CAPABILITIES[:6]) + ")"),
    ("family:qwen3", "the family"),
    ("quant:q4", "the quantisation"),
    ("name:coder", "a word in the name"),
    ("size<5GB", "the size on disk (a unit is needed: MB, GB, GiB…)"),
    ("params>=7b", "the parameters (a unit is needed: m, b)"),
    ("ctx>=32k", "the context length (k = 1,024)"),
    ("cloud", "cloud models"),
    ("loaded", "loaded in memory"),
    ("current", "the current model"),
    ("outdated", "a newer version is in the registry"),
    ("unused>30d", "not loaded or made current here for 30 days (or weeks: 8w)"),
    ("-term", "negates a term"),
)


def terms_help() -> str:
    """The language in one paragraph, for the help screen."""
    return ("Terms are separated by spaces and all must hold: "
            + "; ".join(f"{term} {meaning}" for term, meaning in TERMS)
            + ". A term that cannot be read is shown under the box, with a hint.")


def terms_examples() -> str:
    """The terms alone, for a command's --help."""
    return ", ".join(term for term, _ in TERMS)


_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "=": lambda a, b: a == b}


@dataclass(frozen=True)
class Facts:
    """What a query may ask beyond the model list itself."""

    capabilities: Callable[[ModelSummary], Collection[str] | None] = lambda m: m.capabilities
    context_length: Callable[[ModelSummary], int | None] = lambda m: m.details.context_length
    loaded: Collection[str] = ()  # model keys
    current: str = ""  # model key
    update_state: Callable[[ModelSummary], str | None] = lambda m: None  # None: not checked
    last_used: Callable[[ModelSummary], datetime | None] = lambda m: None  # None: never
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    # Terms this view cannot answer (a flag, `unused`, a field or a compared figure) → why:
    # each is reported as a problem, never left to match nothing in silence.
    unanswerable: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Query:
    text: str
    predicates: list[Predicate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    needs_details: bool = False  # asks capabilities or context: /api/show may be needed
    needs_updates: bool = False  # asks for outdated models: the registries must be asked

    def accepts(self, model: ModelSummary) -> bool:
        return all(predicate(model) for predicate in self.predicates)


def parse_query(text: str, facts: Facts | None = None) -> Query:
    facts = facts or Facts()
    query = Query(text)
    for raw in text.split():
        negate = raw.startswith("-") and len(raw) > 1
        term = raw[1:] if negate else raw
        try:
            predicate = _term(term, facts, query)
        except ValueError as exc:
            # "name:" says its own colon: "name: needs a value", not "name:: …".
            query.problems.append(f"{raw}{' ' if raw.endswith(':') else ': '}{exc}")
            continue
        query.predicates.append((lambda p: lambda m: not p(m))(predicate) if negate
                                else predicate)
    return query


def _term(term: str, facts: Facts, query: Query) -> Predicate:
    lowered = term.casefold()
    why = facts.unanswerable.get(_kind(lowered))
    if why:
        raise ValueError(why)
    if lowered in FLAGS:
        query.needs_updates = query.needs_updates or lowered == "outdated"
        return _flag(lowered, facts)
    if lowered.startswith("unused"):
        return _unused(lowered, facts)
    comparison = _COMPARISON.fullmatch(term)
    if comparison:
        what, operator, value = comparison.groups()
        return _compare(what.casefold(), operator, value, facts, query)
    if ":" in term:
        key, _, value = lowered.partition(":")
        if key not in FIELDS:
            raise ValueError(f"unknown field {key!r} (try {', '.join(FIELDS)})")
        if not value:
            raise ValueError(f"needs a value, like {_EXAMPLE[key]}")
        return _field(key, value, facts, query)
    if any(op in term for op in "<>="):
        raise ValueError(f"only {', '.join(COMPARED)} can be compared")
    return lambda m: matches(m, term)


def _kind(term: str) -> str:
    """What a term asks: a flag, "unused", a field's key or a compared figure; else ""."""
    if term in FLAGS or term.startswith("unused"):
        return "unused" if term.startswith("unused") else term
    comparison = _COMPARISON.fullmatch(term)
    if comparison:
        return comparison.group(1)
    return term.partition(":")[0] if ":" in term else ""


def _unused(term: str, facts: Facts) -> Predicate:
    """unused>30d: last used here more than 30 days ago; a model never used counts from
    when it arrived (its modified date), so a fresh pull is not "unused"."""
    match = _UNUSED.fullmatch(term)
    if not match:
        raise ValueError("write it as unused>30d (days) or unused>8w (weeks)")
    days = int(match.group(1)) * (7 if match.group(2).casefold() == "w" else 1)
    cutoff = facts.now() - timedelta(days=days)

    def unused(m: ModelSummary) -> bool:
        since = facts.last_used(m) or m.modified_at
        return since is not None and since < cutoff
    return unused


def _flag(flag: str, facts: Facts) -> Predicate:
    if flag == "cloud":
        return lambda m: m.is_remote
    if flag == "loaded":
        loaded = set(facts.loaded)
        return lambda m: model_key(m.name) in loaded
    if flag == "outdated":
        return lambda m: facts.update_state(m) == "update available"
    return lambda m: model_key(m.name) == facts.current


def _field(key: str, value: str, facts: Facts, query: Query) -> Predicate:
    if key == "cap":
        if not any(known.startswith(value) for known in CAPABILITIES):
            guess = difflib.get_close_matches(value, CAPABILITIES, n=1)
            hint = f"did you mean cap:{guess[0]}?" if guess else \
                f"try {', '.join(CAPABILITIES)}"
            raise ValueError(f"no model has the capability {value!r}: {hint}")
        query.needs_details = True

        def has_capability(m: ModelSummary) -> bool:
            capabilities = facts.capabilities(m) or ()
            return any(value in c.casefold() for c in capabilities)
        return has_capability
    if key == "family":
        return lambda m: value in m.details.family.casefold() or any(
            value in f.casefold() for f in m.details.families)
    if key == "quant":
        return lambda m: m.details.quantization_level.casefold().startswith(value)
    return lambda m: value in m.name.casefold()


def _compare(what: str, operator: str, text: str, facts: Facts, query: Query) -> Predicate:
    compare = _OPERATORS[operator]
    if what == "size":
        if re.fullmatch(r"\s*\d+(\.\d+)?\s*", text):  # 5 bytes is never what was meant
            raise ValueError(f"a size needs a unit: did you mean size{operator}{text}GB?")
        try:
            limit = float(parse_size(text))
        except ValueError:
            raise ValueError(f"{text!r} is not a size (like 5GB)") from None
        return lambda m: m.size > 0 and not m.is_remote and compare(m.size, limit)
    number = _count(text)
    if what == "params" and re.fullmatch(r"\s*[\d.]+\s*", text):  # no unit: 7 parameters?
        raise ValueError(f"a parameter count needs a unit: did you mean "
                         f"params{operator}{text}b?")
    if what == "params":
        return lambda m: (count := parameter_count(m.details.parameter_size)) > 0 and \
            compare(count, number)
    query.needs_details = True

    def context_matches(m: ModelSummary) -> bool:
        context = facts.context_length(m)
        return context is not None and compare(context, number)
    return context_matches


def _count(text: str) -> float:
    """7b → 7e9, 32k → 32768-ish counts: k=1e3, m=1e6, b=1e9, t=1e12 (ctx: k=1024)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kmbt]?)", text.strip().casefold())
    if not match:
        raise ValueError(f"{text!r} is not a number (like 7b or 32k)")
    number, unit = match.groups()
    scale = {"": 1, "k": 1024, "m": 1e6, "b": 1e9, "t": 1e12}[unit]
    return float(number) * scale
