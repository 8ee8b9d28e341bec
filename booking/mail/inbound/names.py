"""What a From header's display name says: the name, and the organisation or job title the
NHSmail and council directories add to it. The address itself is read by the standard
library (email.utils.getaddresses, in headers.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import one_line


@dataclass(frozen=True)
class NameParts:
    """What a From header's display name says about the sender."""

    name: str = ""
    organisation: str = ""
    job_title: str = ""


#: "(ORGANISATION)" or "[ORGANISATION]" at the end of a name, as NHSmail writes it.
_ORGANISATION_AT_END = re.compile(r"\s*[(\[]\s*([^()\[\]]+?)\s*[)\]]\s*$")
#: "First Surname - Job Title": a dash with spaces round it (a hyphenated name has none).
_JOB_TITLE_AFTER = re.compile(r"\s+[-–—|]\s+")
#: "SURNAME, First": one word, a comma, then the rest ("Jo Bloggs, Health Visitor" is not).
_SURNAME_FIRST = re.compile(r"^([^\s,]+)\s*,\s*([^,]+)$")


def read_display_name(display_name: str) -> NameParts:
    """Name, organisation and job title from a display name.

    "SURNAME, First (ORGANISATION)" (NHSmail) gives "First Surname" and the organisation;
    "First Surname - Job Title" gives the name and the job title. A surname written all in
    capitals is written the usual way (TAYLOR: Taylor, MCDONALD: McDonald, O'NEIL: O'Neil).
    """
    name = one_line(display_name, limit=200).strip(" '\"")
    if not name or "@" in name:
        return NameParts()
    organisation = job_title = ""
    match = _ORGANISATION_AT_END.search(name)
    if match and match.start() > 0:
        organisation, name = match.group(1), name[: match.start()].strip()
    parts = _JOB_TITLE_AFTER.split(name, maxsplit=1)
    if len(parts) == 2:  # the name is stripped, so both parts hold words
        name, job_title = parts
    name = _SURNAME_FIRST.sub(r"\2 \1", name)
    name = " ".join(_usual_capitals(word) for word in name.split())
    return NameParts(name=name, organisation=organisation, job_title=job_title)


def _usual_capitals(word: str) -> str:
    """A name written in capitals, written the usual way; any other word as it is."""
    if not word.isupper() or sum(ch.isalpha() for ch in word) < 2:
        return word
    return re.sub(r"\bMc(\w)", lambda m: "Mc" + m[1].upper(), word.title())
