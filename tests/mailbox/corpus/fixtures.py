"""Expectations for the text of the older test messages (tests/mailbox/messages) that are
from a person, so the comparison counts them too: (full text, kept words, dropped words)."""

from __future__ import annotations

from pathlib import Path

MESSAGES = Path(__file__).parent.parent / "messages"

FIXTURE_EXPECTED = {
    "outlook_request.eml": (("10 March", "wheelchair"), ("Family Support Worker", "3 March")),
    "gmail_reply_own_date.eml": (("14th April",), ("Carlisle", "Thanks\nSam")),
    "apple_mail_request.eml": (("Tuesday 3rd March", "Kendal team"), ("iPhone",)),
    "apple_reply_quoted_date.eml": (("sign me up",), ("2 March",)),
    "outlook_reply_cancel.eml": (("cancel",), ()),
    "qp_iso88591_attachment.eml": (("Renée",), ("secret",)),
    "forward.eml": (("book Taylor",), ("2 March",)),
    "base64_windows1252.eml": (("14/04/2026", "gluten-free"), ("Health Visitor",)),
    "subject_encoded_crlf.eml": (("10 March",), ()),
    "unknown_charset_no_message_id.eml": (("parking",), ()),
}
