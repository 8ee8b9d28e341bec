"""Everything the database holds as text, for tests that personal details are really gone."""

from __future__ import annotations

import json

from sqlalchemy import JSON, String, Text, select

from booking.extensions import db


def everything_stored() -> str:
    """Every String, Text and JSON value in every table (walked from db.metadata), as one
    lower-case string."""
    parts = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            parts.extend(
                json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v for v in row
            )
    return "\n".join(parts).lower()
