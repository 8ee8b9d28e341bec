"""Text made safe to keep and to show on one line: the one rule for a person's details, the
headers of the emails we send and what the mailbox reads. Pure: no database, no Flask."""

from __future__ import annotations

import re

#: Control characters (C0, DEL and C1): line breaks and tabs among them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Characters that change the direction text is shown in: embeddings and overrides, isolates,
#: the left-to-right and right-to-left marks, and the Arabic letter mark.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def one_line(value: str | None, *, limit: int | None = None) -> str:
    """`value` on one line, at most `limit` characters: control characters (line breaks too)
    become spaces, direction controls go, and each run of spaces (the Unicode line and
    paragraph separators among them) becomes one space. So a name cannot start a new line in
    an email, nor show its letters in a different order from how they are stored."""
    text = _BIDI.sub("", _CONTROL.sub(" ", str(value or "")))
    return " ".join(text.split())[:limit]
