"""`url_for("static", ...)` adds `?v=<hash of the file>`, so nginx can let browsers keep
static files for a year (deploy/nginx/): a changed file gets a new address."""

from __future__ import annotations

import hashlib
import os

from flask import Flask


def init_app(app: Flask) -> None:
    folder = app.static_folder or ""
    known: dict[str, tuple[float, str]] = {}

    def version_of(filename: str) -> str | None:
        path = os.path.join(folder, filename)
        try:
            modified = os.stat(path).st_mtime
        except OSError:
            return None
        cached = known.get(filename)
        if cached is None or cached[0] != modified:
            with open(path, "rb") as handle:
                cached = (modified, hashlib.sha256(handle.read()).hexdigest()[:12])
            known[filename] = cached
        return cached[1]

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = version_of(values["filename"])
            if version:
                values["v"] = version
