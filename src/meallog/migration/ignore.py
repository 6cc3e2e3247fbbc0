"""Ignore rules as data: (field, predicate, reason, owner, expiry date).

An ignored diff is still stored, counted in metrics and shown by `meallog diffs` (with the rule id);
only the Diff-Gate leaves it out of its judgement, and says how many it left out. Expired rules
match nothing.

Predicate grammar: clauses joined by ` and `; each clause is `ATTR OP VALUE` with
ATTR in abs, rel (of the rule's field), text, tag; OP in < <= > >= = ~ (contains).
Examples: `abs < 10`, `text ~ ビール and rel <= 0.3`, `tag = unknown_food`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from meallog.errors import InvalidInput
from meallog.migration.diff import FieldDiff
from meallog.nutrition.types import FIELDS

_CLAUSE = re.compile(r"^\s*(abs|rel|text|tag)\s*(<=|>=|<|>|=|~)\s*(.+?)\s*$")
_NUM_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "=": operator.eq,
}


@dataclass(frozen=True, slots=True)
class Clause:
    attr: str
    op: str
    value: str


def parse_predicate(text: str) -> tuple[Clause, ...]:
    clauses = []
    for part in re.split(r"\s+and\s+", text.strip()):
        m = _CLAUSE.match(part)
        if not m:
            raise InvalidInput(f"cannot read predicate clause {part!r} (ATTR OP VALUE, ATTR in abs/rel/text/tag)",
                               field="predicate")
        attr, op, value = m.groups()
        if attr in ("abs", "rel"):
            if op == "~":
                raise InvalidInput(f"{attr} takes a numeric comparison", field="predicate")
            try:
                float(value)
            except ValueError:
                raise InvalidInput(f"{attr} compares with a number, not {value!r}", field="predicate") from None
        elif op not in ("=", "~"):
            raise InvalidInput(f"{attr} takes = or ~", field="predicate")
        clauses.append(Clause(attr, op, value.strip("'\"")))
    return tuple(clauses)


@dataclass(frozen=True, slots=True)
class Rule:
    id: int
    field: str  # a field name or "*" for any
    clauses: tuple[Clause, ...]
    expires_on: date

    def matches(self, text: str, diffs: Mapping[Any, FieldDiff], tags: Sequence[str], today: date) -> bool:
        if today > self.expires_on:
            return False
        fields = FIELDS if self.field == "*" else (self.field,)
        return any(all(_clause(c, text, diffs[f], tags) for c in self.clauses) for f in fields if f in diffs)


def _clause(c: Clause, text: str, d: FieldDiff, tags: Sequence[str]) -> bool:
    if c.attr in ("abs", "rel"):
        return _NUM_OPS[c.op](getattr(d, c.attr), float(c.value))
    if c.attr == "text":
        return c.value in text if c.op == "~" else text == c.value
    return any((c.value in t) if c.op == "~" else t == c.value for t in tags)


class IgnoreMatcher:
    def __init__(self, rules: Sequence[Rule] = ()) -> None:
        self.rules = tuple(rules)

    def match(self, text: str, diffs: Mapping[Any, FieldDiff], tags: Sequence[str], *, today: date) -> int | None:
        """The id of the first live rule that matches a breaching or any diff, else None."""
        for rule in self.rules:
            if rule.matches(text, diffs, tags, today):
                return rule.id
        return None

    @classmethod
    def from_rows(cls, rows: Sequence[Any]) -> IgnoreMatcher:
        return cls([Rule(r.id, r.field, parse_predicate(r.predicate), r.expires_on) for r in rows])
