"""Large multipart bodies for the test client.

Werkzeug's test client spools a multipart body over 500 KB to a temporary file it never
closes (a ResourceWarning, which fails the run); encoding the body here keeps it in memory.
"""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart


def multipart(fields: dict[str, str], files: dict[str, tuple[bytes, str]]) -> dict:
    """Keyword arguments for `client.post(...)`: the form fields and files, encoded."""
    values: dict = dict(fields)
    for name, (content, filename) in files.items():
        values[name] = FileStorage(io.BytesIO(content), filename=filename, name=name)
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}
