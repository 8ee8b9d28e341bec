"""Text made safe: one-line header values, tidied bodies, and bytes decoded whatever
charset the message claims; and the phrases of phrases.toml made into patterns."""

from __future__ import annotations

import codecs
import contextlib
import re
import tomllib
import unicodedata
from pathlib import Path


def one_line(value: str | None, *, limit: int) -> str:
    """Text made safe for one line: control characters (line breaks too) become spaces."""
    if not value:
        return ""
    cleaned = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in str(value)
    )
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned[:limit]


def _cp1252_for_bad_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):  # pragma: no cover - only decoding uses it
        raise error
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


_CP1252_FALLBACK = "booking-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_for_bad_bytes)


def decode_bytes(payload: bytes, charset: str, problems: list[str]) -> str:
    """Bytes to text, whatever the label says: unknown or wrong charsets fall back safely."""
    label = charset or "us-ascii"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        problems.append(f"The message named a character set we do not know ({label[:40]}).")
        codec = ""
    # Browsers read ISO-8859-1 and ASCII labels as Windows-1252 (curly quotes, the euro sign).
    if codec in ("latin-1", "iso8859-1", "ascii"):
        codec = "cp1252"
    if codec:
        try:
            text = payload.decode(codec)
            if codec == "cp1252" and not payload.isascii():  # often UTF-8 mislabelled
                with contextlib.suppress(UnicodeDecodeError):
                    return payload.decode("utf-8")
            return text
        except UnicodeDecodeError:
            problems.append("Some text was not in the character set the message claimed.")
        except Exception:  # pragma: no cover - exotic codecs
            problems.append("Some text was in a character set we could not use.")
    # Valid UTF-8 where it is, Windows-1252 for the stray bytes around it.
    return payload.decode("utf-8", errors=_CP1252_FALLBACK)


def tidy(text: str) -> str:
    """Line endings made "\n", control characters removed, blank runs cut to one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    lines = [line.rstrip() for line in text.split("\n")]
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
