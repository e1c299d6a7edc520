"""Trim X's published OpenAPI description to the operations modaudit calls.

Usage: python tests/contracts/x/trim_openapi.py FULL_OPENAPI.json > tests/contracts/x/openapi-trimmed.json

Keeps the GET operation of each path in PATHS (parameters, security, 200/4xx/default responses),
every component parameter, schema and security scheme they reach (through `$ref` and
discriminator mappings, transitively), and drops only `description` texts.
"""

from __future__ import annotations

import json
import sys
from typing import Any

PATHS = (
    "/2/users/me",
    "/2/users/{id}/tweets",
    "/2/tweets/search/recent",
    "/2/users/{id}/blocking",
    "/2/users/{id}/muting",
    "/2/tweets/{id}",
)
_KEPT_OPERATION_KEYS = ("operationId", "security", "parameters", "responses")
_REF_PREFIX = "#/components/"
_LITERAL_KEYS = ("example", "examples", "enum", "default")  # values are data, not schemas


def strip_descriptions(node: Any, *, in_properties: bool = False) -> Any:
    """A copy without `description` texts (a property that is *named* description stays)."""
    if isinstance(node, list):
        return [strip_descriptions(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: value
        if key in _LITERAL_KEYS and not in_properties
        else strip_descriptions(value, in_properties=key == "properties" and not in_properties)
        for key, value in node.items()
        if in_properties or not (key == "description" and isinstance(value, str))
    }


def references(node: Any) -> set[str]:
    """Every "#/components/..." pointer in a node: `$ref`s and discriminator mapping targets."""
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= references(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_REF_PREFIX):
                found.add(value)
            elif key == "mapping" and isinstance(value, dict):
                found |= {v for v in value.values() if isinstance(v, str) and v.startswith(_REF_PREFIX)}
            else:
                found |= references(value)
    return found


def trim(document: dict[str, Any]) -> dict[str, Any]:
    """The trimmed document."""
    paths: dict[str, Any] = {}
    for path in PATHS:
        operation = document["paths"][path]["get"]
        kept = {key: operation[key] for key in _KEPT_OPERATION_KEYS if key in operation}
        kept["responses"] = {
            status: response
            for status, response in operation["responses"].items()
            if status in ("200", "default") or status.startswith("4")
        }
        paths[path] = {"get": kept}
    components: dict[str, dict[str, Any]] = {}
    pending = references(paths)
    done: set[str] = set()
    while pending:
        pointer = pending.pop()
        done.add(pointer)
        section, name = pointer[len(_REF_PREFIX) :].split("/", 1)
        target = document["components"][section][name]
        components.setdefault(section, {})[name] = target
        pending |= references(target) - done
    schemes = document["components"].get("securitySchemes", {})
    used = {name for op in paths.values() for req in op["get"].get("security", []) for name in req}
    components["securitySchemes"] = {name: schemes[name] for name in sorted(used) if name in schemes}
    trimmed = {
        "openapi": document["openapi"],
        "info": document["info"],
        "servers": document.get("servers", []),
        "paths": paths,
        "components": {section: dict(sorted(items.items())) for section, items in components.items()},
    }
    return strip_descriptions(trimmed)


def main(argv: list[str]) -> int:
    """Read the full description named on the command line, print the trimmed one."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        document = json.load(handle)
    json.dump(trim(document), sys.stdout, indent=1, ensure_ascii=False, sort_keys=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
