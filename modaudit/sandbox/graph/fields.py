"""Graph's `fields` parameter: field lists with edge expansions, per-node-type defaults, selection."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from modaudit.sandbox.api import ApiRequest
from modaudit.sandbox.graph.errors import param_error

# What Graph returns for each node type when `fields` is absent or blank (next links of time-paged
# listings leave `fields` out, so a client following them gets these).
DEFAULTS: Mapping[str, tuple[str, ...]] = {
    "Page": ("id", "name"),
    "Post": ("created_time", "message", "id"),
    "Comment": ("created_time", "from", "message", "id"),
    "User": ("id", "name"),
    "IGUser": ("id",),
    "IGMedia": ("id",),
    "IGComment": ("timestamp", "text", "id"),
}

_GRAPH_TIME = "%Y-%m-%dT%H:%M:%S+0000"
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_SPEC = re.compile(rf"^({_NAME})((?:\.{_NAME}\([^(){{}}]*\))*)(?:\{{(.*)\}})?$", re.DOTALL)
_MODIFIER = re.compile(rf"\.({_NAME})\(([^(){{}}]*)\)")


@dataclass(frozen=True)
class FieldSpec:
    """One requested field; an edge may carry modifiers (`.limit(0)`) and subfields (`{id,message}`)."""

    name: str
    modifiers: Mapping[str, str] = field(default_factory=dict)
    subfields: str | None = None


def requested_fields(
    request: ApiRequest, node_type: str, allowed: tuple[str, ...], edges: tuple[str, ...] = ()
) -> list[FieldSpec]:
    """The request's `fields` (checked as Graph checks them), or the node type's defaults."""
    raw = request.query.get("fields")
    if raw is None or not raw.strip():
        return [FieldSpec(name) for name in DEFAULTS[node_type]]
    return parse_fields(raw, node_type, allowed, edges)


def parse_fields(
    raw: str, node_type: str, allowed: tuple[str, ...], edges: tuple[str, ...] = ()
) -> list[FieldSpec]:
    """Parse "a,b,edge.limit(0).summary(true){x,y}"; unknown fields or bad syntax are code 100."""
    specs: dict[str, FieldSpec] = {}
    for part in _split_top_level(raw):
        match = _SPEC.match(part)
        if match is None:
            raise param_error(f'(#100) Syntax error "Expected end of string" in field: {part}')
        name, modifiers, subfields = match.group(1), match.group(2), match.group(3)
        if name not in allowed and name not in edges:
            raise param_error(
                f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})"
            )
        if (modifiers or subfields is not None) and name not in edges:
            # Modifiers and subfields belong to edges and object fields; plain values have none.
            raise param_error(f"(#100) Field {name} on node type ({node_type}) takes no modifiers")
        specs.setdefault(name, FieldSpec(name, dict(_MODIFIER.findall(modifiers)), subfields))
    return list(specs.values())


def select(node: Mapping[str, Any], specs: list[FieldSpec]) -> dict[str, Any]:
    """Only the requested fields that the node has, and always its id (last, as Graph does)."""
    selected = {spec.name: node[spec.name] for spec in specs if spec.name in node}
    if "id" in node:
        selected.setdefault("id", node["id"])
    return selected


def graph_time(moment: datetime) -> str:
    """Format a datetime the way Graph does: "2026-11-16T10:00:00+0000"."""
    return moment.astimezone(UTC).strftime(_GRAPH_TIME)


def truthy(value: str | None) -> bool:
    """A boolean-ish parameter or modifier as Graph reads it ("true", "1", "total_count"...)."""
    return value is not None and value.strip().lower() not in ("", "false", "0")


def _split_top_level(raw: str) -> list[str]:
    """Split on commas outside (...) and {...}; unbalanced brackets are a syntax error."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in raw:
        if char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
            if depth < 0:
                raise param_error(f'(#100) Syntax error "Unexpected {char}" in fields: {raw}')
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if depth != 0:
        raise param_error(f'(#100) Syntax error "Unbalanced brackets" in fields: {raw}')
    parts.append("".join(current).strip())
    return [part for part in parts if part]
