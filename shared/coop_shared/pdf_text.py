"""Text printed in a PDF through reportlab's `Paragraph`, which reads its string as a small XML
markup (`<b>`, `<br/>`, `<font>`, `&amp;`...). A name or free text typed by a person is data,
never markup: `Bakkerij <De Zon> & Zonen` must print as typed, and a `<font size=90>` or an
unclosed `<b` in a member's name must neither restyle the document nor make it fail to render
(docs/adr/020-bounded-templates-webhooks-parsers.md). Every value interpolated into a Paragraph
goes through `escape`; the markup the renderer writes itself stays outside it."""

from __future__ import annotations


def escape(value) -> str:
    """`value` as Paragraph text: `&`, `<` and `>` as entities, so they print as themselves."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
