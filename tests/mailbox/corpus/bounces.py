"""Delivery failures ("bounces") in five shapes real mail servers send."""

from __future__ import annotations

ORIGINAL = (
    "From: Signs of Safety <SignsOfSafety@cumbria.gov.uk>\nTo: {to}\n"
    "Subject: Your place on 2 March\nMessage-ID: <outbox-7@cumbria.gov.uk>\n"
    "Date: Mon, 5 Jan 2026 08:00:00 +0000\n\nYour place on 2 March is confirmed.\n"
)

BOUNCES = [
    dict(
        name="microsoft_365_ndr",
        client="Microsoft 365 / Exchange non-delivery report",
        raw="From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@cumbria.gov.uk>\n"
        "To: <SignsOfSafety@cumbria.gov.uk>\nSubject: Undeliverable: Your place on 2 March\n"
        "Date: Mon, 5 Jan 2026 08:00:05 +0000\nMessage-ID: <ndr-365@cumbria.gov.uk>\n"
        "Auto-Submitted: auto-replied\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="ndr"\n\n'
        "--ndr\nContent-Type: text/plain; charset=utf-8\n\n"
        "Your message to sam.reed@cumberland.gov.uk couldn't be delivered.\n"
        "sam.reed wasn't found at cumberland.gov.uk.\n\n"
        "--ndr\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns;AM0PR02MB5555.eurprd02.prod.outlook.com\n"
        "Received-From-MTA: dns;AM0PR02MB4444.eurprd02.prod.outlook.com\n"
        "Arrival-Date: Mon, 5 Jan 2026 08:00:04 +0000\n\n"
        "Final-Recipient: rfc822;sam.reed@cumberland.gov.uk\nAction: failed\nStatus: 5.1.10\n"
        "Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n\n"
        "--ndr\nContent-Type: message/rfc822\n\n"
        + ORIGINAL.format(to="sam.reed@cumberland.gov.uk")
        + "\n--ndr--\n",
        reason="bounce",
        bounced=("sam.reed@cumberland.gov.uk",),
    ),
    dict(
        name="gmail_dsn",
        client="Gmail delivery status notification",
        raw="From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: SignsOfSafety@cumbria.gov.uk\n"
        "Subject: Delivery Status Notification (Failure)\nDate: Mon, 5 Jan 2026 08:00:06 +0000\n"
        "Message-ID: <gmail-dsn@mx.google.com>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="g"\n\n'
        "--g\nContent-Type: text/plain; charset=UTF-8\n\n"
        "** Address not found **\n\nYour message wasn't delivered to tom.foxx@gmail.com because the address couldn't be found.\n\n"
        "--g\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; googlemail.com\n\n"
        "Final-Recipient: rfc822; tom.foxx@gmail.com\nAction: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.\n\n"
        "--g\nContent-Type: text/rfc822-headers\n\n"
        + ORIGINAL.format(to="tom.foxx@gmail.com").split("\n\n")[0]
        + "\n\n--g--\n",
        reason="bounce",
        bounced=("tom.foxx@gmail.com",),
    ),
    dict(
        name="postfix_dsn_one_failed_one_delayed",
        client="Postfix delivery status notification",
        raw="Return-Path: <>\nFrom: MAILER-DAEMON@mx.cumbria.gov.uk (Mail Delivery System)\n"
        "To: SignsOfSafety@cumbria.gov.uk\nSubject: Undelivered Mail Returned to Sender\n"
        "Date: Mon, 5 Jan 2026 08:00:07 +0000\nMessage-ID: <postfix-dsn@mx.cumbria.gov.uk>\n"
        "Auto-Submitted: auto-replied\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="p"\n\n'
        "--p\nContent-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n"
        "This is the mail system at host mx.cumbria.gov.uk.\n\nI'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients.\n\n"
        "--p\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.cumbria.gov.uk\n\n"
        "Final-Recipient: rfc822; ann.moss@example.org\nOriginal-Recipient: rfc822;ann.moss@example.org\n"
        "Action: failed\nStatus: 5.1.1\n\n"
        "Final-Recipient: rfc822; kim.hall@slow.example.org\nAction: delayed\nStatus: 4.4.1\n\n"
        "--p\nContent-Description: Undelivered Message\nContent-Type: message/rfc822\n\n"
        + ORIGINAL.format(to="ann.moss@example.org")
        + "\n--p--\n",
        reason="bounce",
        bounced=("ann.moss@example.org",),
    ),
    dict(
        name="exim_plain_text_bounce",
        client="Exim (plain text, no delivery report part)",
        raw="Return-path: <>\nFrom: Mail Delivery System <Mailer-Daemon@mail.example.net>\n"
        "To: SignsOfSafety@cumbria.gov.uk\nSubject: Mail delivery failed: returning message to sender\n"
        "Date: Mon, 5 Jan 2026 08:00:08 +0000\nMessage-Id: <exim-bounce@mail.example.net>\n"
        "Auto-Submitted: auto-replied\n\n"
        "This message was created automatically by mail delivery software.\n\n"
        "A message that you sent could not be delivered to one or more of its\n"
        "recipients. This is a permanent error. The following address(es) failed:\n\n"
        "  lee.park@example.net\n    SMTP error from remote mail server after RCPT TO:<lee.park@example.net>:\n"
        "    550 5.1.1 User unknown\n\n"
        "------ This is a copy of the message, including all the headers. ------\n\n"
        + ORIGINAL.format(to="lee.park@example.net"),
        reason="bounce",
        bounced=("lee.park@example.net",),
    ),
    dict(
        name="qmail_plain_text_bounce",
        client="qmail (plain text, no delivery report part)",
        raw="Return-Path: <>\nFrom: MAILER-DAEMON@mail.example.com\nTo: SignsOfSafety@cumbria.gov.uk\n"
        "Subject: failure notice\nDate: 5 Jan 2026 08:00:09 -0000\nMessage-ID: <qmail-bounce@mail.example.com>\n\n"
        "Hi. This is the qmail-send program at mail.example.com.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
        "<ivy.shaw@example.com>:\n192.0.2.10 does not like recipient.\nRemote host said: 550 5.1.1 No such user\n"
        "Giving up on 192.0.2.10.\n\n--- Below this line is a copy of the message.\n\n"
        + ORIGINAL.format(to="ivy.shaw@example.com"),
        reason="bounce",
        bounced=("ivy.shaw@example.com",),
    ),
    dict(
        name="sendmail_dsn_with_original_headers",
        client="Sendmail delivery status notification",
        raw="From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>\n"
        "To: <SignsOfSafety@cumbria.gov.uk>\nSubject: Returned mail: see transcript for details\n"
        "Date: Mon, 5 Jan 2026 08:00:10 +0000\nMessage-Id: <sendmail-dsn@relay.example.org>\n"
        "Auto-Submitted: auto-generated (failure)\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="s"\n\n'
        "--s\n\nThe original message was received at Mon, 5 Jan 2026 08:00:00 GMT\n\n"
        "   ----- The following addresses had permanent fatal errors -----\n<max.ford@relay.example.org>\n"
        "    (reason: 550 5.1.1 <max.ford@relay.example.org>... User unknown)\n\n"
        "--s\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; relay.example.org\n\n"
        "Final-Recipient: RFC822; max.ford@relay.example.org\nAction: failed\nStatus: 5.1.1\n\n"
        "--s\nContent-Type: text/rfc822-headers\n\n"
        + ORIGINAL.format(to="max.ford@relay.example.org").split("\n\n")[0]
        + "\n\n--s--\n",
        reason="bounce",
        bounced=("max.ford@relay.example.org",),
    ),
]
