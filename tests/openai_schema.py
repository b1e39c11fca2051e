"""Validators for OpenAI wire shapes, from the published OpenAPI subset in tests/schemas.

``validator("Response").validate(obj)`` checks ``obj`` against
``components.schemas.Response`` of ``tests/schemas/openai-api-subset.json`` with JSON
Schema Draft 2020-12 and a ``referencing`` registry holding that file, so every
``#/components/schemas/...`` reference resolves inside it.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
OPENAI_SUBSET = SCHEMA_DIR / "openai-api-subset.json"
SARIF_SCHEMA = SCHEMA_DIR / "sarif-schema-2.1.0.json"

# The URI under which the whole OpenAPI document is registered. References in the
# document are all local ("#/components/schemas/Name"), so they resolve against it.
_BASE_URI = "urn:commitgate:test:openai-api-subset"


def _nullable_to_null(node: Any) -> Any:
    """Rewrite OpenAPI 3.0 ``nullable: true`` into JSON Schema "or null", recursively.

    The published document is OpenAPI 3.1 (JSON Schema 2020-12), yet some properties
    still carry the 3.0 keyword ``nullable``, which 2020-12 ignores. The live API does
    send ``null`` for them: most visibly the chat stream chunk's ``choices[].finish_reason``
    (published as ``"type": "string"``) is ``null`` on every chunk but the last one, and
    ``logprobs`` / ``usage`` are ``null`` on chunks too. Honouring ``nullable`` is what the
    authors meant, so ``{..., "nullable": true}`` becomes ``{"anyOf": [{...}, {"type":
    "null"}]}``; ``nullable: false`` is just dropped. Nothing else is loosened.
    """
    if isinstance(node, list):
        return [_nullable_to_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _nullable_to_null(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


@functools.lru_cache(maxsize=1)
def _registry() -> Registry[Any]:
    document = json.loads(OPENAI_SUBSET.read_text(encoding="utf-8"))
    document = _nullable_to_null(document)
    resource: Resource[Any] = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_BASE_URI, resource)
    return registry


def schema_names() -> list[str]:
    """All component names in the subset file."""
    document = json.loads(OPENAI_SUBSET.read_text(encoding="utf-8"))
    return sorted(document["components"]["schemas"])


@functools.cache
def validator(name: str) -> Any:
    """A Draft 2020-12 validator for ``components.schemas[name]`` of the OpenAI subset.

    Examples of ``name``: "CreateResponse", "Response", "ResponseStreamEvent",
    "CreateChatCompletionRequest", "CreateChatCompletionResponse",
    "CreateChatCompletionStreamResponse". Raises KeyError for an unknown name.
    """
    if name not in schema_names():
        raise KeyError(f"no component schema named {name!r} in {OPENAI_SUBSET.name}")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"{_BASE_URI}#/components/schemas/{name}",
    }
    return jsonschema.Draft202012Validator(schema, registry=_registry())


def sarif_validator() -> Any:
    """A Draft 4 validator for the official SARIF 2.1.0 schema."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)
