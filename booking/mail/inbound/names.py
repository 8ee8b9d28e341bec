"""What a From header's display name says: the name, and the organisation or job title the
NHSmail and council directories add to it. The address itself is read by the standard
library (email.utils.getaddresses, in headers.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...text import one_line


@dataclass(frozen=True)
class NameParts:
    """What a From header's display name says about the sender."""

    name: str = ""
    organisation: str = ""
    job_title: str = ""


#: "Name - Job Title (ORGANISATION)", each part after the name optional: a job title after a
#: dash with spaces round it (a hyphenated name has none), an organisation in brackets at the
#: end, as NHSmail writes it.
_DISPLAY_NAME = re.compile(
    r"(?P<name>.+?)(?:\s+[-–—|]\s+(?P<job_title>.+?))?"
    r"(?:\s*[(\[]\s*(?P<organisation>[^()\[\]]+?)\s*[)\]])?"
)
#: "SURNAME, First": one word, a comma, then the rest ("Jo Bloggs, Health Visitor" is not).
_SURNAME_FIRST = re.compile(r"^([^\s,]+)\s*,\s*([^,]+)$")


def read_display_name(display_name: str) -> NameParts:
    """Name, organisation and job title from a display name.

    "SURNAME, First (ORGANISATION)" (NHSmail) gives "First Surname" and the organisation;
    "First Surname - Job Title" gives the name and the job title. A surname written all in
    capitals is written the usual way (TAYLOR: Taylor, MCDONALD: McDonald, O'NEIL: O'Neil).
    """
    written = one_line(display_name, limit=200).strip(" '\"")
    parts = _DISPLAY_NAME.fullmatch(written)
    if parts is None or "@" in written:
        return NameParts()
    name = _SURNAME_FIRST.sub(r"\2 \1", parts["name"])
    return NameParts(
        name=" ".join(_usual_capitals(word) for word in name.split()),
        organisation=parts["organisation"] or "",
        job_title=parts["job_title"] or "",
    )


def _usual_capitals(word: str) -> str:
    """A name written in capitals, written the usual way; any other word as it is."""
    if not word.isupper() or sum(ch.isalpha() for ch in word) < 2:
        return word
    return re.sub(r"\bMc(\w)", lambda m: "Mc" + m[1].upper(), word.title())
