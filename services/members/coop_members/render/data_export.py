"""The zip of a person's data export (GDPR art. 15(3): a copy in a commonly used electronic
form): `data.json` and the documents, base64 in the JSON reply as every file the suite ships
over RPC (docs/rpc-contract.md)."""

from __future__ import annotations

import base64
import io
import zipfile


def export_zip(files: list[tuple[str, bytes]]) -> str:
    """The zip of `(name, content)` files, base64-encoded; a name seen twice is kept once."""
    buffer = io.BytesIO()
    seen = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            if name not in seen:
                seen.add(name)
                archive.writestr(name, content)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
