"""The OpenAPI 3.1 document of `/api/v1`, written by apispec from the services' marshmallow
schemas and the route table: nothing in it is typed twice (docs/adr/023-http-api.md)."""

from __future__ import annotations

import copy
import functools

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls

from coop_billing.schemas import Base64Content
from coop_shared import schema_fields
from coop_web import http_errors
from coop_web.routes import PREFIX, routes

TITLE = "Cooperative back office: HTTP API"
VERSION = "1.0.0"
ERROR_STATUSES = {
    "400": "The request is unreadable (not JSON, not an object).",
    "401": "No credential: send `Authorization: Bearer <secret>`.",
    "403": "The credential is revoked or unknown, or its role may not do this.",
    "404": "No such record in the caller's cooperative (another cooperative's ids included).",
    "409": "The request clashes with the current state.",
    "422": "The payload is invalid (`fields` names each bad field), or a business rule refuses it.",
    "429": "Too many requests for this key: wait `Retry-After` seconds.",
    "503": "The suite's bus is unreachable: retry later (with the same Idempotency-Key).",
}
# The suite's decimal and file fields are strings on the wire (docs/adr/002-money.md).
STRING_FIELDS = (schema_fields.Amount, schema_fields.Quantity, schema_fields.Rate, Base64Content)


def _schema_name(schema) -> str:
    """`billing.CreateInvoice`: schemas of different services may share a class name."""
    cls = resolve_schema_cls(schema)
    service = cls.__module__.split(".")[0].removeprefix("coop_")
    name = cls.__name__.removesuffix("Schema") or cls.__name__
    modifiers = getattr(schema, "only", None) or getattr(schema, "exclude", None)
    suffix = "." + "_".join(sorted(modifiers)) if modifiers and not isinstance(schema, type) else ""
    return f"{service}.{name}{suffix}"


def _error_component() -> dict:
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "enum": http_errors.CODES},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "description": "Each bad field and its messages."},
                },
            }
        },
    }


def _operation(plugin: MarshmallowPlugin, route) -> dict:
    method, spec = route.method, route.method.spec
    operation = {
        "operationId": route.operation_id,
        "summary": method.summary or method.qualified,
        "description": f"RPC `{method.qualified}` (docs/rpc-contract.md).",
        "tags": [method.service],
        "responses": {"200": {"description": "The method's answer (JSON, amounts as decimal strings)."}},
    }
    if route.answers_file:
        operation["responses"]["200"]["content"] = {
            "application/json": {"schema": {"type": "object"}},
            "application/octet-stream": {
                "schema": {"type": "string", "contentMediaType": "application/octet-stream"}
            },
        }
    else:
        operation["responses"]["200"]["content"] = {"application/json": {"schema": {"type": "object"}}}
    for status in ERROR_STATUSES:
        operation["responses"][status] = {"$ref": f"#/components/responses/Error{status}"}
    if spec.needs_caller:
        operation["security"] = [{"bearer": []}]
    else:
        operation["security"] = [{}, {"bearer": []}]
    parameters = []
    json_schema = {"type": "object", "properties": {}, "required": []}
    if spec.schema is not None:
        json_schema = copy.deepcopy(plugin.converter.schema2jsonschema(spec.schema()))
    properties, required = json_schema.get("properties", {}), set(json_schema.get("required", []))
    for name in route.path_parameters:
        field_schema = properties.pop(name, {"type": "string"})
        required.discard(name)
        parameters.append({"name": name, "in": "path", "required": True, "schema": field_schema})
    if spec.creates:
        properties.pop("idempotency_key", None)
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "The same key again returns the first answer and creates nothing.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 100},
            }
        )
    if route.takes_body:
        if properties or spec.schema is not None:
            body = dict(json_schema, properties=properties)
            body["required"] = sorted(required)
            if not body["required"]:
                body.pop("required")
            content = {"application/json": {"schema": body}}
            if route.upload_field:
                content["application/octet-stream"] = {
                    "schema": {"type": "string", "contentMediaType": "application/octet-stream"}
                }
            operation["requestBody"] = {"required": bool(required), "content": content}
    else:
        for name, field_schema in properties.items():
            parameter = {"name": name, "in": "query", "required": name in required, "schema": field_schema}
            if field_schema.get("type") == "array":
                parameter.update(style="form", explode=True)
            parameters.append(parameter)
    if parameters:
        operation["parameters"] = parameters
    return operation


@functools.cache
def document() -> dict:
    """The whole document as a dict (the same for the same code; built once per process)."""
    plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
    spec = APISpec(
        title=TITLE,
        version=VERSION,
        openapi_version="3.1.0",
        plugins=[plugin],
        info={
            "description": (
                "Every public RPC method of the suite as a resource-style route. Errors are "
                '`{"error": {"code", "message", "fields"?}}`; lists are `{"items", '
                '"total"}` with `limit` and `offset`; amounts are decimal strings.'
            )
        },
        servers=[{"url": "/"}],
    )
    for field_cls in STRING_FIELDS:
        plugin.map_to_openapi_type(field_cls, "string", None)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", _error_component())
    for status, text in ERROR_STATUSES.items():
        error = {"$ref": "#/components/schemas/Error"}
        spec.components.response(
            f"Error{status}", {"description": text, "content": {"application/json": {"schema": error}}}
        )
    paths: dict[str, dict] = {}
    for route in routes():
        paths.setdefault(PREFIX + route.path, {})[route.verb.lower()] = _operation(plugin, route)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
