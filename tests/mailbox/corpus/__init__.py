"""Real-shaped messages written for issue 23, each with the outcome it must have.

Both the corpus test (tests/mailbox/test_corpus.py) and the library comparison
(bench/mail_libraries.py) read this list. The clock says 5 January 2026 and the courses are
those of tests/mailbox/conftest.py: 2-3 March (Kendal), 10-11 March (Carlisle), 14-15 April
(Barrow), 6-7 October (Kendal).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .automatic import AUTOMATIC
from .bounces import BOUNCES
from .html import HTML
from .plain import PLAIN


@dataclass(frozen=True)
class Case:
    name: str
    #: the client or system that writes messages of this shape
    client: str
    raw: bytes
    #: None: a message from a person; else the NotRequestReason it must be given
    reason: str | None = None
    #: words the sender wrote that must be kept ...
    keeps: tuple[str, ...] = ()
    #: ... and words from quotes, signatures and disclaimers that must be left out
    drops: tuple[str, ...] = ()
    #: the course it names (a key of the `courses` fixture), if any
    course: str | None = None
    #: for a bounce: the addresses it says failed for good
    bounced: tuple[str, ...] = field(default=())
    is_html: bool = False
    #: when the message was written, if not 5 January 2026 (ISO 8601; the clock is set to it)
    now: str | None = None
    #: a note the coordinator must be shown among the guesses
    guess: str | None = None


def _cases() -> list[Case]:
    cases = []
    for group, kind in ((PLAIN, "plain"), (HTML, "html"), (AUTOMATIC, "auto"), (BOUNCES, "bounce")):
        for entry in group:
            entry = dict(entry)
            raw = entry.pop("raw").replace("\n", "\r\n").encode("utf-8")
            cases.append(Case(raw=raw, is_html=kind == "html", **entry))
    return cases


CASES = _cases()
