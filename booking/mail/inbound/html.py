"""The text a person wrote in an HTML email.

quotequail finds where a quoted or forwarded message starts in the HTML (Gmail's
gmail_quote, Apple's blockquote, Outlook's divRplyFwdMsg and From/Sent blocks) and keeps
what is above it; inscriptis turns that HTML into text laid out as a reader sees it
(blocks, lists and tables on their own lines; scripts, styles and the head left out).
"""

from __future__ import annotations

import re

import quotequail
from inscriptis import get_text


def html_to_text(html: str) -> str:
    """The visible text of the newest message in an HTML email, one block per line (the
    blank lines inscriptis leaves for paragraph margins are dropped)."""
    try:
        text = get_text(_newest_message(html))
    except Exception:  # noqa: BLE001 - a last resort: never lose the message
        text = re.sub(r"<[^>]*>", " ", html)
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _newest_message(html: str) -> str:
    """The HTML above the first quoted or forwarded message (all of it if there is none)."""
    found = quotequail.unwrap_html(html) or {"html_top": html}
    if found.get("html_top", "").strip():
        return found["html_top"]
    # Written below the quote ("bottom-posting"): the sender's words come after it.
    return found.get("html_bottom", "") if found.get("type") == "quote" else ""
