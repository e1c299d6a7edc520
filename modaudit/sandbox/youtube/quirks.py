"""Shape quirks on YouTube answers: an item lacking a field, or carrying it with another type."""

from __future__ import annotations

from typing import Any

from modaudit.sandbox.faults import Fault

_SHAPERS = ("drop_field", "retype_field")


def reshape_items(body: dict[str, Any], shape: tuple[Fault, ...]) -> tuple[Fault, ...]:
    """Apply drop_field / retype_field faults to `body["items"]` in place; the faults applied.

    `field` is a dotted path inside an item ("snippet.authorChannelId"); with `item_id` only the
    item of that id (a thread, a comment, or a reply inlined in a thread) is touched.
    """
    applied: list[Fault] = []
    for fault in shape:
        if fault.kind not in _SHAPERS or fault.field is None:
            continue
        touched = False
        for item in _items(body):
            if fault.item_id is not None and item.get("id") != fault.item_id:
                continue
            touched |= _reshape(item, fault, fault.field)
        if touched:
            applied.append(fault)
    return tuple(applied)


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The listed items and the replies inlined in threads."""
    items = [i for i in body.get("items", []) if isinstance(i, dict)]
    inlined = [r for i in items for r in i.get("replies", {}).get("comments", [])]
    return items + inlined


def _reshape(item: dict[str, Any], fault: Fault, field: str) -> bool:
    """Drop or retype one dotted field of an item; False if the item has no such field."""
    *parents, last = field.split(".")
    node: Any = item
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict) or last not in node:
        return False
    if fault.kind == "drop_field":
        del node[last]
    else:
        node[last] = fault.value if fault.value is not None else str(node[last])
    return True
