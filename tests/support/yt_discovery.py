"""Google's discovery document for youtube v3, read from the installed google-api-python-client,
and a small checker of JSON answers against its `schemas` ($ref, type, properties, items, enum)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import googleapiclient

# The copy google-api-python-client ships (never committed here): 2.202.0 carries revision 20261104.
DOCUMENT = Path(googleapiclient.__path__[0]) / "discovery_cache" / "documents" / "youtube.v3.json"
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


@cache
def discovery() -> dict[str, Any]:
    """The installed discovery document."""
    document: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return document


def method(resource: str, name: str = "list") -> dict[str, Any]:
    """A method's description, e.g. method("commentThreads")."""
    description: dict[str, Any] = discovery()["resources"][resource]["methods"][name]
    return description


def schema_errors(value: Any, schema: dict[str, Any] | str, where: str = "$") -> list[str]:
    """Where `value` breaks the discovery schema (a name or an inline schema): types, unknown
    fields, enum values. Required-ness is not in discovery; callers check what they rely on."""
    if isinstance(schema, str):
        schema = {"$ref": schema}
    while "$ref" in schema:
        schema = discovery()["schemas"][schema["$ref"]]
    kind = schema.get("type")
    if kind is None or kind == "any":
        return []
    allowed = _TYPES[kind]
    if not isinstance(value, allowed) or (kind in ("integer", "number") and isinstance(value, bool)):
        return [f"{where}: {type(value).__name__} where the schema says {kind}"]
    errors: list[str] = []
    if kind == "string" and "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if kind == "array":
        for n, item in enumerate(value):
            errors += schema_errors(item, schema.get("items", {}), f"{where}[{n}]")
    if kind == "object":
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if properties is not None and key in properties:
                errors += schema_errors(item, properties[key], f"{where}.{key}")
            elif extra is not None:
                errors += schema_errors(item, extra, f"{where}.{key}")
            else:
                errors.append(f"{where}.{key}: not a field of the schema")
    return errors


def missing(value: Any, paths: list[str]) -> list[str]:
    """Which dotted paths ("snippet.authorChannelId.value") are absent from `value`."""
    absent = []
    for path in paths:
        node = value
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                absent.append(path)
                break
            node = node[part]
    return absent
