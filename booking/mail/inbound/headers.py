"""The headers of one message: read defensively, the sender checked, message ids and the
thread kept only when well formed."""

from __future__ import annotations

import re
from email import policy
from email.message import Message
from email.utils import getaddresses

from email_validator import EmailNotValidError, validate_email

from ...text import one_line


def raw_values(msg: Message, name: str) -> list[str]:
    """Every `name` header as it arrived (encoded words not decoded), unfolded."""
    return [re.sub(r"\r?\n[ \t]", " ", str(v)) for k, v in msg.raw_items() if k.lower() == name]


def header(msg: Message, name: str) -> str:
    """The first `name` header, decoded by the standard library's header registry (read as
    plain text if the registry chokes on it)."""
    try:
        return str(msg.get(name, ""))
    except Exception:  # noqa: BLE001 - a damaged header is read as best we can
        return _as_text(raw_values(msg, name)[0])


def _as_text(value: str) -> str:
    """A header value read as unstructured text: encoded words decoded, bytes that are not
    ASCII read as UTF-8 where they are. It never fails: what it cannot read becomes the
    replacement character."""
    return str(policy.default.header_factory("x-text", value))


#: A message id (RFC 5322 3.6.4), near enough: "<", up to 248 printable ASCII characters
#: with no space or angle bracket and an "@" among them, ">". Only ids like this ever reach
#: a header we send.
_MESSAGE_ID = re.compile(r"<(?=[^>]*@)[\x21-\x3b\x3d\x3f-\x7e]{1,248}>")
#: The most ids a References header we send holds: the first and the latest ones.
MAX_REFERENCES = 20


def message_ids(value: str) -> list[str]:
    """The well-formed message ids in a header value, in order; anything else is dropped."""
    return _MESSAGE_ID.findall(value or "")


def thread_ids(ids: list[str] | tuple[str, ...]) -> list[str]:
    """`ids` without repeats, cut to the first and the latest (as mail programs do)."""
    unique = list(dict.fromkeys(ids))
    return unique[:1] + unique[1:][1 - MAX_REFERENCES :]


def threading(msg: Message) -> dict:
    """The ParsedMessage fields about the thread, read raw (ids never hold encoded words):
    the Message-ID as sent, for a reply's In-Reply-To; the thread a reply of ours belongs to
    (RFC 5322 3.6.4: References, or else an In-Reply-To holding exactly one id); and every
    id it answers, for finding our own earlier messages."""
    ids = {name: message_ids(" ".join(raw_values(msg, name))) for name in _THREAD_HEADERS}
    in_reply_to, references = ids["in-reply-to"], ids["references"]
    thread = references or (in_reply_to if len(in_reply_to) == 1 else [])
    return {
        "message_id_header": next(iter(ids["message-id"]), ""),
        "references": tuple(thread_ids(thread)),
        "in_reply_to": tuple(dict.fromkeys(in_reply_to + references))[:20],
    }


_THREAD_HEADERS = ("message-id", "in-reply-to", "references")


def sender_of(msg: Message, problems: list[str]) -> tuple[str, str]:
    """The From address (checked, lower-cased; empty if unusable) and its display name.

    The standard library's `getaddresses` splits the raw header into addresses (a quoted
    name may hold commas and brackets: NHSmail's "SURNAME, First (ORGANISATION)"; a comment
    after a name is kept: "Jo Smith (NHS)") with every encoded word hidden behind a mark;
    the name is decoded after (RFC 2047 order), so an encoded line break or comma in a name
    can never change the address.
    """
    words: list[str] = []

    def hide(match: re.Match) -> str:
        words.append(match.group(0))
        return f"\ue000{len(words) - 1}\ue001"  # private-use marks: never in a raw header

    found = getaddresses([_ENCODED_WORD.sub(hide, value) for value in raw_values(msg, "from")])
    pairs = [(name, address) for name, address in found if address]
    if len(pairs) > 1:
        problems.append("The message names more than one sender; only the first is used.")
    name, address = pairs[0] if pairs else ("", "")
    try:  # email_validator refuses an empty address, a mark, and one over 254 characters
        sender = validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        problems.append("The From address is missing or is not a valid email address.")
        sender = ""
    name = _as_text(re.sub("\ue000(\\d+)\ue001", lambda m: words[int(m.group(1))], name))
    return sender, one_line(name, limit=200)


_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
