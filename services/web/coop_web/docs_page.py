"""`/api/v1/docs`: the operations of the OpenAPI document as one server-rendered page.

Nothing is loaded from the internet (no JavaScript viewer from a CDN): the page lists each
operation with its parameters and links to the document itself, for a person reading before
they write a client. Jinja escapes every text.
"""

from __future__ import annotations

from flask import render_template_string

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ info.title }}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}
code{background:#f3f3f3;padding:0 .2em}h2{border-bottom:1px solid #ccc}
.verb{display:inline-block;min-width:4.5em;font-weight:bold}</style></head>
<body><h1>{{ info.title }} <small>{{ info.version }}</small></h1>
<p>{{ info.description }}</p>
<p>The machine-readable document: <a href="{{ document_url }}">openapi.json</a> (OpenAPI {{ openapi }}).
Every request but <code>/health</code> carries <code>Authorization: Bearer &lt;secret&gt;</code>.</p>
{% for tag, operations in by_tag %}<h2 id="{{ tag }}">{{ tag }}</h2>
{% for op in operations %}<h3 id="{{ op.id }}"><span class="verb">{{ op.verb }}</span> <code>{{ op.path }}</code></h3>
<p>{{ op.summary }} <small>({{ op.id }})</small></p>
{% if op.parameters %}<p>Parameters: {% for p in op.parameters %}<code>{{ p }}</code> {% endfor %}</p>{% endif %}
{% if op.body %}<p>JSON body fields: {% for p in op.body %}<code>{{ p }}</code> {% endfor %}</p>{% endif %}
{% endfor %}{% endfor %}</body></html>
"""


def render(document: dict, document_url: str) -> str:
    by_tag: dict[str, list[dict]] = {}
    for path, operations in document["paths"].items():
        for verb, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            by_tag.setdefault(operation["tags"][0], []).append(
                {
                    "id": operation["operationId"],
                    "verb": verb.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "parameters": [f"{p['name']} ({p['in']})" for p in operation.get("parameters", [])],
                    "body": sorted(body.get("schema", {}).get("properties", {})),
                }
            )
    return render_template_string(
        PAGE,
        info=document["info"],
        openapi=document["openapi"],
        document_url=document_url,
        by_tag=sorted(by_tag.items()),
    )
