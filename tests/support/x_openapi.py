"""Validate X simulator answers and requests against the vendored, trimmed X OpenAPI description."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from jsonschema import Draft4Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

CONTRACT = Path(__file__).resolve().parents[1] / "contracts" / "x" / "openapi-trimmed.json"
_URI = "urn:modaudit:x-openapi-trimmed"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_FORMATS = FormatChecker(formats=())  # only what we register: jsonschema's own need extra packages


@_FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    """RFC 3339 date-time (OpenAPI's `format: date-time`); non-strings are the type check's job."""
    if isinstance(value, str):
        if not _RFC3339.match(value):
            return False
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _discriminator(
    validator: Any, discriminator: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """OpenAPI `discriminator`: also hold a problem to the schema its `type` maps to.

    jsonschema ignores the keyword, so a resource-not-found error would pass as a bare Problem.
    The mapped schemas are `allOf: [Problem, ...]`, which meets this keyword again on the same
    instance: the guard stops that recursion.
    """
    if not isinstance(instance, dict):
        return
    target = discriminator.get("mapping", {}).get(instance.get(discriminator.get("propertyName")))
    if target is None or id(instance) in _ACTIVE:
        return
    _ACTIVE.add(id(instance))
    try:
        errors = list(validator.descend(instance, {"$ref": target}))
    finally:
        _ACTIVE.discard(id(instance))
    yield from errors


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`pattern`, except for a value the same schema's `enum` lists.

    X's ReplySettings schemas list "mentionedUsers" (14 letters) in `enum` but cap `pattern` at
    12 letters, and X does send "mentionedUsers": the enum is taken to be what X means.
    """
    if instance in schema.get("enum", ()):
        return
    yield from Draft4Validator.VALIDATORS["pattern"](validator, pattern, instance, schema)


_ACTIVE: set[int] = set()
_OpenApiValidator = validators.extend(
    Draft4Validator, {"discriminator": _discriminator, "pattern": _pattern}
)


@functools.cache
def contract() -> dict[str, Any]:
    """The trimmed OpenAPI document."""
    return json.loads(CONTRACT.read_text(encoding="utf-8"))


@functools.cache
def _registry() -> Registry:
    """The document as one resource, so "#/components/..." refs resolve inside it."""
    return Registry().with_resource(_URI, Resource.from_contents(contract(), DRAFT4))


def _errors(schema: Mapping[str, Any], instance: Any) -> list[str]:
    """Readable validation errors of an instance against a schema of the document."""
    validator = _OpenApiValidator(dict(schema), registry=_registry(), format_checker=_FORMATS)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<body>'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def _operation(path: str) -> dict[str, Any]:
    """The GET operation of a path template ("/2/tweets/{id}")."""
    return contract()["paths"][path]["get"]


def response_schema(path: str, status: int, content_type: str) -> dict[str, Any]:
    """The schema an answer of this status and media type must match (200, 4xx or default)."""
    responses = _operation(path)["responses"]
    response = responses.get(str(status)) or responses["default"]
    media = content_type.split(";")[0].strip().lower()
    content = response["content"]
    assert media in content, f"{path} {status}: media type {media!r} not in {sorted(content)}"
    return content[media]["schema"]


def check_response(path: str, response: requests.Response) -> Any:
    """Assert an answer matches the contract for its path, status and content type; its body."""
    body = response.json()
    schema = response_schema(path, response.status_code, response.headers.get("content-type", ""))
    problems = _errors(_anchored(schema), body)
    assert not problems, f"{path} {response.status_code} breaks the contract: {problems}\n{body}"
    return body


def check_schema(name: str, instance: Any) -> None:
    """Assert an instance matches a component schema ("Problem", "Tweet", ...)."""
    problems = _errors({"$ref": f"{_URI}#/components/schemas/{name}"}, instance)
    assert not problems, f"not a valid {name}: {problems}\n{instance}"


def _parameters(path: str) -> dict[str, dict[str, Any]]:
    """The operation's parameters by name, component refs resolved."""
    found = {}
    for parameter in _operation(path)["parameters"]:
        if "$ref" in parameter:
            parameter = contract()["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        found[parameter["name"]] = parameter
    return found


def _as_schema_value(raw: str, schema: Mapping[str, Any]) -> Any:
    """A query string value as the type its schema declares (form style, explode false)."""
    kind = schema.get("type")
    if kind == "array":
        return raw.split(",")
    if kind == "integer":
        return int(raw) if raw.lstrip("-").isdigit() else raw
    return raw


def check_request(path: str, query: Mapping[str, str]) -> None:
    """Assert every query parameter a request sent is declared and valid for the operation."""
    declared = _parameters(path)
    for name, raw in query.items():
        assert name in declared, f"{path}: parameter {name!r} is not in the contract"
        schema = declared[name]["schema"]
        value = _as_schema_value(raw, schema)
        problems = _errors(_anchored(schema), value)
        assert not problems, f"{path}: parameter {name}={raw!r} breaks the contract: {problems}"


def _anchored(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A schema whose own "#/components/..." refs resolve against the document."""
    return json.loads(json.dumps(schema).replace('"#/components/', f'"{_URI}#/components/'))
