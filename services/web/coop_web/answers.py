"""An RPC answer as an HTTP response: JSON as the service returned it (amounts stay decimal
strings), or, for the methods that answer a file, the file with its own content type."""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes

from flask import Response


def _json(data, status=200, headers=None) -> Response:
    text = json.dumps(data, ensure_ascii=False, default=str)
    return Response(text, status=status, mimetype="application/json", headers=headers)


def is_file(result) -> bool:
    return isinstance(result, dict) and isinstance(result.get("content"), str) and "filename" in result


def content_type_of(result) -> str:
    given = result.get("content_type") or result.get("media_type")
    return given or mimetypes.guess_type(result["filename"])[0] or "application/octet-stream"


def file_bytes(content: str) -> bytes:
    """Base64 as the contract sends files; a text export (a CSV) may come as its text."""
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        return content.encode("utf-8")


def answer(route, result, request) -> Response:
    headers = {}
    if isinstance(result, dict) and isinstance(result.get("total"), int):
        headers["X-Total-Count"] = str(result["total"])
    if route.answers_file and is_file(result):
        content_type = content_type_of(result)
        chosen = request.accept_mimetypes.best_match([content_type, "application/json"], default=content_type)
        if chosen != "application/json":
            filename = str(result["filename"]).replace('"', "")
            return Response(
                file_bytes(result["content"]),
                content_type=content_type,  # as given: no charset added to bytes we did not encode
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
    return _json(result, headers=headers)


def json_response(data, status=200, headers=None) -> Response:
    return _json(data, status, headers)
