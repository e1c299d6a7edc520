"""Quirks of the real Graph API, injected as faults (faults.SHAPE_KINDS) into otherwise normal answers.

The router hands an API module the quirk faults matching a request; a `Quirks` collects which ones
the answer actually applied, so that the fault book counts only those.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from modaudit.sandbox.faults import Fault


class Quirks:
    """The quirk faults bearing on one request, and the ones applied so far."""

    def __init__(self, faults: Sequence[Fault] = ()) -> None:
        self._faults = tuple(faults)
        self._applied: list[Fault] = []

    @property
    def applied(self) -> tuple[Fault, ...]:
        """The faults that changed this answer, each once."""
        return tuple(self._applied)

    def first(self, kind: str) -> Fault | None:
        """The first fault of `kind`, if any."""
        return next((f for f in self._faults if f.kind == kind), None)

    def mark(self, fault: Fault) -> None:
        """Record that `fault` changed the answer (faults compare by identity, as the book does)."""
        if not any(fault is seen for seen in self._applied):
            self._applied.append(fault)

    def reshape(self, item: dict[str, Any], object_id: str) -> dict[str, Any]:
        """Apply drop_field / retype_field to one listed item or looked-up node, in place."""
        for fault in self._faults:
            if fault.kind not in ("drop_field", "retype_field") or fault.field not in item:
                continue
            if fault.item_id is not None and fault.item_id != object_id:
                continue
            if fault.kind == "drop_field":
                del item[fault.field]
                self.mark(fault)
                continue
            original = item[fault.field]
            retyped = fault.value if fault.value is not None else as_text(original)
            if retyped != original or type(retyped) is not type(original):
                item[fault.field] = retyped
                self.mark(fault)
        return item

    def wrong_object(self, object_id: str, candidates: Sequence[str]) -> str | None:
        """The id a wrong_object fault answers a lookup of `object_id` with, or None."""
        fault = self.first("wrong_object")
        if fault is None:
            return None
        other = other_object(fault, object_id, candidates)
        if other is not None:
            self.mark(fault)
        return other


def as_text(value: Any) -> str:
    """A value as the string a sloppy serializer would send: "false", "3", '{"id": "1"}'."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def other_object(fault: Fault, object_id: str, candidates: Sequence[str]) -> str | None:
    """`fault.item_id` if it is another candidate, else the candidate after `object_id` (cyclic)."""
    others = sorted(c for c in set(candidates) if c != object_id)
    if not others:
        return None
    if fault.item_id in others:
        return fault.item_id
    later = [c for c in others if c > object_id]
    return later[0] if later else others[0]
