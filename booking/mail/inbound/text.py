"""Text made safe: one-line header values, tidied bodies, and bytes decoded whatever
charset the message claims; and the phrases of phrases.toml made into patterns."""

from __future__ import annotations

import codecs
import contextlib
import re
import tomllib
import unicodedata
from pathlib import Path

#: Labels read as browsers read them, as Windows-1252 (curly quotes, the euro sign), once the
#: text is known not to be UTF-8 (often mislabelled).
_READ_AS_CP1252 = {"latin-1", "iso8859-1", "ascii", "cp1252"}


def decode_bytes(payload: bytes, charset: str, problems: list[str]) -> str:
    """Bytes to text, whatever the label says: unknown or wrong charsets fall back safely."""
    try:
        codec = codecs.lookup(charset or "us-ascii").name
    except LookupError:
        problems.append(f"The message named a character set we do not know ({charset[:40]}).")
        codec = "utf-8"
    for trying in ("utf-8", "cp1252") if codec in _READ_AS_CP1252 else (codec,):
        with contextlib.suppress(UnicodeError, LookupError):  # LookupError: not a text codec
            return payload.decode(trying)
    problems.append("Some text was not in the character set the message claimed.")
    # Valid UTF-8 where it is, Windows-1252 for the stray bytes around it.
    return _STRAY_BYTES.sub(_as_cp1252, payload.decode("utf-8", errors="surrogateescape"))


#: Bytes that are not UTF-8, as "surrogateescape" keeps them.
_STRAY_BYTES = re.compile("[\udc80-\udcff]+")


def _as_cp1252(stray: re.Match[str]) -> str:
    """The stray bytes read as Windows-1252 (a byte it leaves undefined becomes U+FFFD)."""
    return stray[0].encode("utf-8", "surrogateescape").decode("cp1252", errors="replace")


def tidy(text: str) -> str:
    """Line endings made "\n", control characters removed, blank runs cut to one."""
    kept = (ch for ch in text if ch in "\r\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    lines = (line.rstrip() for line in "".join(kept).replace("\u00a0", " ").splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_PHRASES = tomllib.loads(Path(__file__).with_name("phrases.toml").read_text("utf-8"))
#: The helps phrases.toml describes, as regular expressions.
_HELPS = {" ": r"\s+", "*": r"\w*", "'": "['’]", ":": r"\s*:", "...": r"\b.{0,80}\b"}
_HELP = re.compile(r"\.\.\.| +|[*':]")
#: Whole words: no letter or digit on both sides of either end of a phrase.
_EDGE = r"(?!(?<=\w)\w)"


def phrases(name: str, *, where: str = "anywhere") -> re.Pattern[str]:
    """The phrases listed as `name` in phrases.toml, as one pattern, in any case: found
    "anywhere", at the "start" (after any punctuation), or as the "whole line"."""
    helped = (_HELP.sub(lambda m: _HELPS[m.group().strip() or " "], p) for p in _PHRASES[name])
    found = "|".join(helped)
    pattern = {
        "anywhere": rf"{_EDGE}(?:{found}){_EDGE}",
        "start": rf"^\W*(?:{found}){_EDGE}",
        "whole line": rf"^\W*(?:{found})[\s,.!]*$",
    }[where]
    return re.compile(pattern, re.I)
