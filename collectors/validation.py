"""Platform answers parsed into declared schemas (pydantic), field by field, never trusted blindly.

A field that is missing or of the wrong type is not defaulted: it is left `None` and reported as
a `FieldProblem`, so the caller can mark the listing incomplete instead of reading, say, a
missing `is_hidden` as "visible" or the string `"false"` as true.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictInt, StrictStr, ValidationError

from collectors.records import RunWarning

M = TypeVar("M", bound="Payload")


class Payload(BaseModel):
    """Base of every declared answer shape: unknown keys are kept, nothing is coerced."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True, strict=True)


def _digits(value: Any) -> str:
    if not isinstance(value, str) or not value.isdigit() or len(value) > 32:
        raise ValueError("expected a string of digits")
    return value


def _graph_id(value: Any) -> str:
    # Graph ids are strings of digits, joined by `_` for posts and comments (e.g. 104_2001).
    if not isinstance(value, str) or not value or len(value) > 100 \
            or not value.replace("_", "").isdigit():
        raise ValueError("expected a Graph id (digits, possibly joined by '_')")
    return value


XId = Annotated[str, BeforeValidator(_digits)]
GraphId = Annotated[str, BeforeValidator(_graph_id)]
Count = Annotated[StrictInt, BeforeValidator(lambda v: _non_negative(v))]


def _non_negative(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("expected a whole number of at least 0")
    return value


def time_field(parse: Any) -> Any:
    """An aware-datetime field read by `parse` (which returns None for anything malformed)."""
    def check(value: Any) -> datetime:
        moment = parse(value)
        if moment is None:
            raise ValueError("expected a timestamp in the platform's format")
        return moment
    return Annotated[datetime, BeforeValidator(check)]


@dataclass(frozen=True)
class FieldProblem:
    """One field of one item that detection cannot rely on."""

    field: str
    detail: str  # "missing", or what was wrong with the value (its type, never user text)


def _describe(error: dict[str, Any], raw: dict[str, Any]) -> str:
    field = str(error["loc"][0]) if error.get("loc") else ""
    value = raw.get(field)
    kind = type(value).__name__
    shown = f" {value!r}" if isinstance(value, bool | int | float) or (
        isinstance(value, str) and len(value) <= 20) else ""
    return f"{error.get('msg', 'invalid').lower()}, got {kind}{shown}"


def parse_item(model: type[M], raw: Any, required: Iterable[str] = ()) -> tuple[M | None, list[FieldProblem]]:
    """`raw` as `model`, with every bad field set aside as a problem; required fields that are
    missing are problems too. None when `raw` is not even an object."""
    if not isinstance(raw, dict):
        return None, [FieldProblem("item", f"not an object, got {type(raw).__name__}")]
    problems: list[FieldProblem] = []
    data = dict(raw)
    item: M | None = None
    for _ in range(len(data) + 1):
        try:
            item = model.model_validate(data)
            break
        except ValidationError as exc:
            bad = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
            problems += [FieldProblem(str(e["loc"][0]), _describe(e, raw))
                         for e in exc.errors() if e.get("loc")]
            if not bad:
                return None, [*problems, FieldProblem("item", "does not match its schema")]
            data = {key: value for key, value in data.items() if key not in bad}
    if item is None:
        return None, problems
    mistyped = {problem.field for problem in problems}
    fields = {info.alias or name: name for name, info in type(item).model_fields.items()}
    for name in required:
        if name not in mistyped and getattr(item, fields.get(name, name), None) is None:
            problems.append(FieldProblem(name, "missing"))
    return item, problems


class ListingProblems:
    """The field problems of one listing, counted per field, as a few coded warnings."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._counts: Counter[tuple[str, str]] = Counter()

    def add(self, problems: Iterable[FieldProblem]) -> None:
        """Count these problems."""
        self._counts.update((p.field, p.detail) for p in problems)

    def __bool__(self) -> bool:
        return bool(self._counts)

    def fields(self) -> set[str]:
        """The fields that had problems."""
        return {field for field, _ in self._counts}

    def summary(self) -> str:
        """One line: which fields, how many items, what was wrong."""
        return "; ".join(f"{n} item(s) with {field} {detail}"
                         for (field, detail), n in sorted(self._counts.items()))

    def warning(self, code: str = "field_problem") -> RunWarning:
        """The listing's problems as one coded warning naming the fields."""
        return RunWarning(code, f"{self.what}: {self.summary()}; listing marked incomplete")


__all__ = ["Count", "FieldProblem", "GraphId", "ListingProblems", "Payload", "StrictStr", "XId",
           "parse_item", "time_field"]
