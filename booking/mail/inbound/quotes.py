"""What the sender wrote this time: earlier messages (found by quotequail) and the
signature (our own rules; docs/mailbox.md says why) left out."""

from __future__ import annotations

import re

import quotequail

from .text import phrases, tidy

_SIGNATURE_DASHES = re.compile(r"^--\s*$")
#: A phone's line ("Sent from my iPhone") or a disclaimer's first words start a line ...
_ENDS_AT_START = phrases("ends_the_message", where="start")
#: ... and legal footers have these words anywhere in a line.
_DISCLAIMER = phrases("disclaimer")
_SIGN_OFF = phrases("sign_off", where="whole line")
#: A line of only punctuation, such as the row of asterisks above the NHSmail footer.
_RULE_LINE = re.compile(r"^[\W_]*$")
#: Contact details in a signature can make a long line: "Tel ... | Mobile ...".
_CONTACT_LINE = re.compile(r"\s\|\s|\b(?:tel|phone|mobile|mob|fax|www)\b|@|https?://", re.I)


def strip_quotes_and_signature(text: str) -> tuple[str, str]:
    """Split text into (what the sender wrote now, what was left out).

    Left out: everything from the start of a quoted or forwarded message onwards
    (quotequail), lines quoted with ">", and the signature: everything after "-- ", a "Sent
    from my iPhone" line or a disclaimer, or from a sign-off line ("Kind regards,") once there
    is text above it and only a signature below it.
    """
    own_part, removed = _before_quoted_message(text)
    lines = own_part.split("\n")
    own = [line for line in lines if not line.lstrip().startswith(">")]
    quoted = [line for line in lines if line.lstrip().startswith(">")]
    sig = _signature_start(own)
    left_out = "\n".join([*own[sig:], *quoted, removed]).strip()
    return tidy("\n".join(own[:sig])), left_out


#: quotequail is given the start of the text only: its time grows with the square of the
#: number of quoted lines, and the start of the first earlier message is near the top.
QUOTE_SEARCH_LINES = 300
QUOTE_SEARCH_CHARS = 20_000


def _before_quoted_message(text: str) -> tuple[str, str]:
    """(the text above the first quoted or forwarded message, the rest).

    quotequail's `text_top` is the lines above the quoted message, as they are in the text
    (only stripped), so the rest is what follows it."""
    start = "\n".join(text.split("\n", QUOTE_SEARCH_LINES)[:QUOTE_SEARCH_LINES])
    try:
        found = quotequail.unwrap(start[:QUOTE_SEARCH_CHARS])
    except Exception:  # noqa: BLE001 - a library failure must not lose the message
        found = None
    if not found or found.get("type") == "quote":
        return text, ""  # ">" quotes alone are handled line by line
    top = found.get("text_top", "")
    return top, (text.partition(top)[2] if top else text).strip()


def _ends_the_message(line: str) -> bool:
    """A "-- " line, a phone's line or a disclaimer: nothing below is the sender's."""
    return any(pattern.search(line) for pattern in (_SIGNATURE_DASHES, _ENDS_AT_START, _DISCLAIMER))


def _signature_start(lines: list[str]) -> int:
    """Where the signature starts (len(lines) if there is none): at the first line that ends
    the message (with the blank lines and rows of stars above it), or before that at a
    sign-off with text above it and only a signature between it and there."""
    end = next((at for at, line in enumerate(lines) if _ends_the_message(line)), len(lines))
    while 0 < end < len(lines) and _RULE_LINE.match(lines[end - 1]):
        end -= 1
    first_text = next((at for at, line in enumerate(lines) if line.strip()), 0)
    for index in range(first_text + 1, end):  # a sign-off needs text above it
        if _SIGN_OFF.match(lines[index]) and _looks_like_signature(lines[index + 1 : end]):
            return index
    return end


def _looks_like_signature(rest: list[str]) -> bool:
    """Below a sign-off: a name, job title, team, phone number... at most 12 short lines
    (a row of stars aside). A full paragraph there means the sign-off was not the end."""
    filled = [line.strip() for line in rest if not _RULE_LINE.match(line.strip())]
    short = (
        len(line) <= 90 or (len(line) <= 200 and _CONTACT_LINE.search(line)) for line in filled
    )
    return len(filled) <= 12 and all(short)
