"""Automatic messages that must never be answered: out-of-office replies, calendar replies,
read receipts and notifications, in the forms Exchange, Gmail and others send."""

from __future__ import annotations

from .plain import head

AUTOMATIC = [
    dict(
        name="exchange_out_of_office",
        client="Exchange / Microsoft 365 out-of-office",
        raw=head(
            "Sam Reid <sam.reid@cumberland.gov.uk>",
            "Automatic reply: Your place on 2 March",
            41,
            "Auto-Submitted: auto-generated",
            "X-Auto-Response-Suppress: All",
            "X-MS-Exchange-Inbox-Rules-Loop: sam.reid@cumberland.gov.uk",
        )
        + "I am out of the office until 10 March with no access to email. For urgent matters contact the duty desk.\n",
        reason="automatic_reply",
    ),
    dict(
        name="gmail_vacation",
        client="Gmail vacation responder",
        raw=head(
            "Tom Fox <tom.fox@gmail.com>",
            "Away until Monday",
            42,
            "Auto-Submitted: auto-replied",
            "Precedence: bulk",
        )
        + "Thanks for your email. I'm away until 14 April and will reply then.\n",
        reason="automatic_reply",
    ),
    dict(
        name="nhsmail_out_of_office_without_headers",
        client="NHSmail out-of-office passed on by a relay that dropped its headers",
        raw=head(
            '"TAYLOR, Sam (NORTH CUMBRIA INTEGRATED CARE NHS FOUNDATION TRUST)" <sam.taylor@nhs.net>',
            "Automatic reply: Signs of Safety training",
            43,
        )
        + "Thank you for your email. I am on annual leave returning on 10 March.\n",
        reason="automatic_reply",
    ),
    dict(
        name="outlook_tentative_calendar_reply",
        client="Outlook calendar reply (tentative)",
        raw=head(
            "Gus Bell <gus.bell@cumberland.gov.uk>",
            "Tentative: Signs of Safety training, 2 March",
            44,
            ctype='multipart/alternative; boundary="cal"',
        )
        + "--cal\nContent-Type: text/plain; charset=utf-8\n\nI might be able to come.\n"
        "--cal\nContent-Type: text/calendar; charset=utf-8; method=REPLY\n\n"
        "BEGIN:VCALENDAR\nMETHOD:REPLY\nBEGIN:VEVENT\nUID:x@y\nATTENDEE;PARTSTAT=TENTATIVE:mailto:gus.bell@cumberland.gov.uk\n"
        "END:VEVENT\nEND:VCALENDAR\n--cal--\n",
        reason="calendar_reply",
    ),
    dict(
        name="outlook_read_receipt",
        client="Outlook read receipt",
        raw=head(
            "Kim Hall <kim.hall@cumberland.gov.uk>",
            "Read: Your place on 10 March",
            45,
            ctype='multipart/report; report-type=disposition-notification; boundary="r"',
        )
        + "--r\nContent-Type: text/plain; charset=utf-8\n\nYour message was read on 5 January 2026.\n"
        "--r\nContent-Type: message/disposition-notification\n\n"
        "Final-Recipient: rfc822;kim.hall@cumberland.gov.uk\nDisposition: automatic-action/MDN-sent-automatically; displayed\n--r--\n",
        reason="read_receipt",
    ),
    dict(
        name="sharepoint_notification",
        client="A system notification from a no-reply address",
        raw=head(
            "SharePoint Online <no-reply@sharepointonline.com>",
            "Jo shared a file with you",
            46,
        )
        + "Jo shared 'Training 10 March.docx' with you.\n",
        reason="no_reply_sender",
    ),
]
