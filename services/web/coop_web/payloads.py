"""A request as the one payload an RPC method takes (docs/rpc-contract.md, "Conventions").

Path parameters are payload fields of the same name; a `GET` or `DELETE` reads the other
fields from the query string (a list field from repeated parameters), a `POST`, `PUT` or
`PATCH` from a JSON object body. Values stay strings: the service's schema reads them, so an
amount is a decimal string here as on the bus and a float is refused there. The header
`Idempotency-Key` is the `idempotency_key` of the methods that create a record.
"""

from __future__ import annotations

import base64

from marshmallow import fields

from coop_shared.errors import ValidationError

MAX_BODY_BYTES = 20 * 1024 * 1024  # a month's CODA file or a zip of documents fits easily


class BadRequest(Exception):
    """The HTTP request itself is unreadable (not JSON, not an object): a 400."""


def _fields_by_key(schema) -> dict[str, fields.Field]:
    return {field.data_key or name: field for name, field in schema.load_fields.items()}


def _is_list(field) -> bool:
    return isinstance(field, fields.List) or (isinstance(field, fields.Nested) and field.many)


def query_values(schema, args) -> dict:
    """The query string as payload fields; unknown names are passed on for the service to
    refuse by name."""
    known = _fields_by_key(schema)
    values = {}
    for key in args:
        field = known.get(key)
        values[key] = args.getlist(key) if field is not None and _is_list(field) else args.get(key)
    return values


def _json_object(request) -> dict:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    if not request.is_json:
        raise BadRequest("Send the payload as a JSON object (Content-Type: application/json).")
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest("The body is not valid JSON.")
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    return data


def payload_of(route, request, path_values: dict):
    """The payload of `route.method` from the request; None for a method without one."""
    spec = route.method.spec
    if spec.schema is None:
        return None
    schema = spec.schema()
    if route.upload_field and request.get_data(cache=True) and not request.is_json:
        data = query_values(schema, request.args)
        data[route.upload_field] = base64.b64encode(request.get_data()).decode("ascii")
    elif route.takes_body:
        data = _json_object(request)
    else:
        data = query_values(schema, request.args)
    clashes = {}
    for name, value in path_values.items():
        if name in data and str(data[name]) != value:
            clashes[name] = ["Given in the path and, differently, in the request."]
        data[name] = value
    key = request.headers.get("Idempotency-Key")
    if key is not None and spec.creates:
        if "idempotency_key" in data and data["idempotency_key"] != key:
            clashes["idempotency_key"] = ["The Idempotency-Key header and the body differ."]
        data["idempotency_key"] = key
    if clashes:
        raise ValidationError(fields=clashes)
    return data
