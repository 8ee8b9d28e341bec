"""What a person asked for in an email: pure functions, no database.

`understand(text, subject=..., courses=..., now=...)` finds whether they want a place, to
cancel one or to move to another date, which of the candidate courses they named (by a date
written any of the usual ways, or by town and month: "the Kendal one in March"), and any
support needs they wrote. It says plainly what it guessed, and says when it is not sure: no
course or two courses matched is never quietly turned into one.
"""

from __future__ import annotations

import calendar
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateparser.search import search_dates

from ...timezone import london_date
from ...words import long_date
from .text import phrases


class Intent(enum.StrEnum):
    BOOK = "book"
    CANCEL = "cancel"
    #: Both a cancellation and a booking: usually "move me to another date".
    MOVE = "move"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class CourseSummary:
    """What matching needs to know about one course: every day it runs, and its town."""

    id: int
    days: tuple[date, ...]
    town: str = ""


@dataclass(frozen=True)
class Understanding:
    intent: Intent
    #: Ids of the candidate courses the message names (empty, one, or several).
    course_ids: tuple[int, ...]
    #: What the message named a course by, in words: the dates we read, else towns, months.
    named: tuple[str, ...] = ()
    #: Sentences about support needs, copied from the message (personal data).
    support_needs: str = ""
    #: Plain-English notes of each guess made, for the coordinator.
    guesses: tuple[str, ...] = ()
    #: The message asks something we cannot answer automatically.
    has_question: bool = False
    #: Asks for a place (or a change) for someone else: "book my new starter".
    for_someone_else: bool = False
    #: The line manager's address, when the sender wrote "my line manager is x@y" or
    #: "manager: x@y" (some trainings need their approval, rule 25).
    line_manager_email: str = ""

    def as_record(self) -> dict:
        """A JSON-safe summary for InboundMessage.understanding (no support needs text)."""
        record = {k: list(v) if isinstance(v, tuple) else v for k, v in vars(self).items()}
        del record["support_needs"]  # personal data: only whether there were any
        return record | {"support_needs_mentioned": bool(self.support_needs)}


# --- words ---------------------------------------------------------------------------------

#: Month names and their short forms ("Sept" too), as one regular expression.
_MONTH = "|".join(calendar.month_name[1:] + calendar.month_abbr[1:] + ["Sept"])
#: A month named on its own, in full: "in March", "the one in May", "next June" (not "May I
#: ask", nor "a place for Jan").
_MONTH_ALONE = re.compile(
    r"\b(?:in|during|for|this|next|early|late|mid|of|the|on|course|training)\s+"
    rf"(?:early\s+|late\s+|mid\s+)?({'|'.join(calendar.month_name[1:])}|Sept)\b",
    re.I,
)

_BOOK = phrases("book")
_CANCEL = phrases("cancel")
_MOVE = phrases("move")
#: Always worth a coordinator's attention: these words are about a person's needs ...
_SUPPORT_STRONG = phrases("support_needs")
#: ... and these only when the sentence is not simply asking to book or cancel.
_SUPPORT_WEAK = phrases("support_maybe")


# --- the entry point -----------------------------------------------------------------------


def understand(
    text: str, *, subject: str = "", courses: list[CourseSummary], now: datetime | date
) -> Understanding:
    """Read what the sender asked for. `now` fixes which year "3 October" means.

    Give the `subject` only when the sender chose it: a reply's came from an earlier message,
    so a date in it is not what this sender chose.
    """
    reading = f"{subject}\n{text}"
    guesses: list[str] = []
    matched, named = _matching_courses(reading, courses, now, guesses)
    has_question = asks_a_question(text)
    manager = _LINE_MANAGER.search(text)
    return Understanding(
        intent=_intent(text, subject, bool(matched) and not has_question, guesses),
        course_ids=matched,
        named=named,
        support_needs=support_needs(text),
        guesses=tuple(guesses),
        has_question=has_question,
        # Naming one's own manager is not asking about someone else.
        for_someone_else=bool(_FOR_SOMEONE_ELSE.search(_LINE_MANAGER.sub(" ", text))),
        line_manager_email=manager.group("address").strip(".'").lower() if manager else "",
    )


def _matching_courses(
    text: str, courses: list[CourseSummary], now: datetime | date, guesses: list[str]
) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """The courses the dates in `text` name (narrowed by a town), or else those in the towns
    and months named; and what named them, in words. Each guess is added to `guesses`."""
    dates = find_dates(text, now=now, guesses=guesses)
    towns = sorted({c.town.strip() for c in courses if c.town.strip() and _names(text, c.town)})
    in_towns = {c.id for c in courses if c.town.strip() in towns}
    months = [] if dates else _find_months(text)
    if dates:
        matched = {c.id for c in courses if set(dates) & set(c.days)}
        runs = {d for c in courses for d in c.days}
        guesses.extend(f"No course runs on {long_date(d)}." for d in dates if d not in runs)
        if len(matched) > 1 and matched & in_towns:
            guesses.append("Used the town named to choose between courses on those dates.")
            matched &= in_towns
        return tuple(sorted(matched)), tuple(long_date(d) for d in dates)
    in_months = {c.id for c in courses if {d.month for d in c.days} & set(months)}
    matched = (in_towns if towns else in_months) & (in_months if months else in_towns)
    month_names = [calendar.month_name[m] for m in months]
    described = " and ".join(" or ".join(words) for words in (towns, month_names) if words)
    if described:
        guesses.append(f"Looked for courses by {described}, as no date was given.")
    return tuple(sorted(matched)), (*towns, *month_names)


def _intent(text: str, subject: str, only_names_a_course: bool, guesses: list[str]) -> Intent:
    """Book, cancel, move or unclear, from the words used; a course named, and no question
    asked, is read as a request for a place."""
    if _CANCEL.search(text):
        return Intent.MOVE if _MOVE.search(text) else Intent.CANCEL
    if _BOOK.search(text) or _BOOK.search(subject):
        return Intent.BOOK
    if only_names_a_course:
        guesses.append("Read the message as a request for a place, as it names a course.")
        return Intent.BOOK
    return Intent.UNCLEAR


def _names(text: str, words: str) -> bool:
    """Whether `text` holds `words` as whole words, in any case."""
    return bool(re.search(rf"\b{re.escape(words.strip())}\b", text, re.I))


def _find_months(text: str) -> list[int]:
    read = (datetime.strptime(m[:3], "%b").month for m in _MONTH_ALONE.findall(text))
    return list(dict.fromkeys(read))


# --- dates ---------------------------------------------------------------------------------

#: dateparser's time grows with the text: dates are looked for near the top, where a request
#: names them, so a huge message cannot stall the poll.
DATE_SEARCH_CHARS = 4000
#: How dateparser reads a date people write in Cumbria: day first, the next one to come; a
#: stretch of time ("3 days a week", "2 years ago") is not read (no "relative-time" parser),
#: and a time read alone is a "time", not a "day".
_DATE_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "future",
    "PARSERS": ["custom-formats", "absolute-time"],
    "RETURN_TIME_AS_PERIOD": True,
}
#: "2nd and 3rd March", "2-3 March": dateparser would read the first day as January.
_DAY_PAIR = re.compile(
    r"\b(\d{1,2}(?:st|nd|rd|th)?)\s*(?:-|–|to|and|&)\s*(?:the\s+)?"
    rf"(\d{{1,2}}(?:st|nd|rd|th)?\s+({_MONTH})\b)",
    re.I,
)
#: Times ("9.30", "10:15", "10-11am") and "one" ("the 14th April one"): not parts of a date.
_NOT_DATES = re.compile(
    r"\b\d{1,2}(?:[.:]\d\d)?\s*(?:-|–|to)\s*\d{1,2}(?:[.:]\d\d)?\s*[ap]m\b"
    r"|(?<![\d./-])\d{1,2}[.:]\d\d(?![.:/-]?\d)\s*(?:[ap]m\b)?|\b\d{1,2}\s*[ap]m\b|\bones?\b",
    re.I,
)
#: A year written ("2026", "14/04/26"): the date is as written, not moved into the future.
_YEAR = re.compile(r"\b\d{4}\b|\d[/.-]\d+[/.-]\d")


def find_dates(text: str, *, now: datetime | date, guesses: list[str] | None = None) -> list[date]:
    """Every day written in `text`, day first, in the order written.

    dateparser (`search_dates`) reads them; only what it reads as a day counts, so "in
    March", "May I ask", "at 9.30" or "3 days a week" is never a date. Each reading without
    a year is noted in `guesses`, if given.
    """
    today = london_date(now) if isinstance(now, datetime) else now
    notes = [] if guesses is None else guesses
    text = text[:DATE_SEARCH_CHARS]
    cleaned = _DAY_PAIR.sub(r"\1 \3 and \2", _NOT_DATES.sub(" , ", text))
    settings = _DATE_SETTINGS | {"RELATIVE_BASE": datetime.combine(today, datetime.min.time())}
    found = search_dates(cleaned, languages=["en"], settings=settings, add_period=True) or []
    dates = []
    for written, when, period in found:
        day = _coming(when.date(), today, written, cleaned) if period == "day" else None
        if day is not None:
            dates.append(day)
            if not _YEAR.search(written):
                notes.append(f"Read “{written.strip()}” as {long_date(day)}.")
    return list(dict.fromkeys(dates))


def _coming(day: date, today: date, written: str, text: str) -> date | None:
    """dateparser's reading made to fit what people mean: "Tuesday week" is a week after
    Tuesday, and "the 14th" said on the 20th is next month's (dateparser gives this month's;
    a day with a month but no year is already the next one to come)."""
    after = text[text.find(written) + len(written) :]
    if not re.search(r"\d", written) and re.match(r"\s+week\b", after, re.I):
        day += timedelta(days=7)
    if day < today and not _YEAR.search(written):
        try:
            return date(day.year + day.month // 12, day.month % 12 + 1, day.day)
        except ValueError:  # "the 31st" said in a month before a short one
            return None
    return day


# --- someone else ---------------------------------------------------------------------------

_FOR_SOMEONE_ELSE = phrases("someone_else")
_ADDRESS = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
#: "my line manager is x@y", "Manager: x@y", "line manager's email is x@y".
_LINE_MANAGER = re.compile(
    r"\b(?:my\s+)?(?:line\s+)?manager(?:'s|’s)?(?:\s+(?:e-?mail|address)){0,2}"
    r"(?:\s+is|\s*[:-])\s*[<(\[]?\s*(?P<address>" + _ADDRESS.pattern + ")",
    re.I,
)
#: An address, and the capitalised words just before it, if any: "Tom Newman (tom@...)",
#: "Tom Newman <tom@...>" (the address starts after a space or a bracket, never mid-word).
_NAMED_ADDRESS = re.compile(
    r"(?:([A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){1,3})[ \t]*[(<\[]?[ \t]*)?"
    r"(?<![\w.%+'-])(" + _ADDRESS.pattern + ")"
)


def named_people(
    text: str, *, exclude: Iterable[str] = (), limit: int = 5
) -> list[tuple[str, str]]:
    """(name, address) of each email address in `text` that is not in `exclude`, in the
    order written; the name is the capitalised words just before the address, if any."""
    skip = {address.strip().lower() for address in exclude}
    found: dict[str, str] = {}
    for name, written in _NAMED_ADDRESS.findall(text):
        address = written.strip(".'").lower()
        if address not in skip:
            found.setdefault(address, name)
    return [(name, address) for address, name in found.items()][:limit]


# --- yes ---------------------------------------------------------------------------------

_YES = phrases("yes", where="start")


def says_yes(text: str) -> bool:
    """Whether a reply agrees ("Yes please, book me in") rather than asks or changes."""
    return bool(_YES.search(text) or _BOOK.search(text))


# --- questions and support needs ------------------------------------------------------------

#: Words that make a sentence a real question, even one that also asks for a place.
_QUESTION_WORDS = phrases("question_words")
_ASKS_WITHOUT_MARK = phrases("asks_without_mark")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _sentences(text: str) -> list[str]:
    return [" ".join(sentence.split()) for sentence in _SENTENCE_END.split(text)]


def _is_request(sentence: str) -> bool:
    return bool(_BOOK.search(sentence) or _CANCEL.search(sentence))


def asks_a_question(text: str) -> bool:
    """Whether the text asks something a person must answer.

    "Could I book a place on 10 March?" is a request written as a question and does not
    count; "Can you tell me what is available near Workington?" does, and so does any
    question beside a request ("Is there parking?") and "please let me know ...".
    """
    return any(
        ("?" in sentence and (not _is_request(sentence) or _QUESTION_WORDS.search(sentence)))
        or _ASKS_WITHOUT_MARK.search(sentence)
        for sentence in _sentences(text)
    )


def support_needs(text: str, *, limit: int = 2000) -> str:
    """The sentences in `text` that mention support needs, one per line, as written; a
    weaker word ("I need") counts only in a sentence not simply asking to book or cancel."""
    kept = [
        sentence
        for sentence in _sentences(text)
        if _SUPPORT_STRONG.search(sentence)
        or (_SUPPORT_WEAK.search(sentence) and not _is_request(sentence))
    ]
    return "\n".join(dict.fromkeys(kept))[:limit]
