"""Reading raw messages: the sender's own words, safely, whatever arrives. No database."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from booking.mail.inbound.authentication import dmarc_passed
from booking.mail.inbound.html import html_to_text
from booking.mail.inbound.kinds import MessageKind
from booking.mail.inbound.parsing import parse_message
from booking.mail.inbound.quotes import strip_quotes_and_signature

from .conftest import message_bytes


def _raw(body: str, *headers: str, content_type="text/plain; charset=utf-8") -> bytes:
    head = [
        "From: Jo <jo@cumberland.gov.uk>",
        "Subject: Training",
        "Message-ID: <m1@x>",
        f"Content-Type: {content_type}",
        *headers,
    ]
    return ("\n".join(head) + "\n\n" + body).encode()


def test_quoted_lines_are_left_out():
    new, removed = strip_quotes_and_signature("Yes please.\n> On 2 March\n> there is a course")
    assert new == "Yes please."
    assert "2 March" in removed


def test_everything_after_an_original_message_marker_is_left_out():
    new, _ = strip_quotes_and_signature(
        "Book me in.\n\n-----Original Message-----\nFrom: Training\nPlaces on 2 March."
    )
    assert new == "Book me in."


def test_an_outlook_header_block_starts_the_quoted_message():
    text = (
        "Yes please.\n\nFrom: Signs of Safety <sos@cumbria.gov.uk>\nSent: 02 January 2026 15:02\n"
        "To: Jo\nSubject: Dates\n\nPlaces on 2 March."
    )
    assert strip_quotes_and_signature(text)[0] == "Yes please."


def test_a_line_starting_with_from_is_not_a_quote_header_on_its_own():
    text = "From: my manager's point of view, 2 March works.\nThanks"
    assert "2 March works" in strip_quotes_and_signature(text)[0]


def test_on_date_wrote_wrapped_over_two_lines_is_recognised():
    text = "Great.\n\nOn Fri, 2 Jan 2026 at 15:02, Signs of Safety <\nsos@cumbria.gov.uk> wrote:\nPlaces on 2 March"
    assert strip_quotes_and_signature(text)[0] == "Great."


def test_a_sentence_starting_with_on_is_kept():
    text = "On 2 March I can come.\nThanks\nJo"
    assert strip_quotes_and_signature(text)[0] == "On 2 March I can come."


@pytest.mark.parametrize(
    "signature",
    [
        "-- \nJo Bloggs\nFamily Support Worker",
        "Sent from my iPhone",
        "Kind regards,\nJo Bloggs\nFamily Support Worker\nTel 01228 000000",
        "Many thanks\n\nJo",
        "Thanks,\nJo\n\nThis email is confidential and intended only for the recipient.",
    ],
)
def test_signatures_are_left_out(signature):
    new, removed = strip_quotes_and_signature(f"Please book me on 2 March.\n\n{signature}")
    assert new == "Please book me on 2 March."
    assert removed


def test_a_sign_off_followed_by_a_paragraph_is_not_treated_as_a_signature():
    paragraph = "Also, " + "I would like to bring my own laptop to both days of the course " * 2
    new, _ = strip_quotes_and_signature(f"Book me on 2 March.\nThanks\n{paragraph}")
    assert "laptop" in new


def test_a_greeting_of_thanks_at_the_top_is_not_a_signature():
    assert strip_quotes_and_signature("Thanks!\nBook me on 2 March please.")[0] == (
        "Thanks!\nBook me on 2 March please."
    )


def test_html_is_turned_into_text_without_scripts_styles_or_quotes():
    html = (
        "<html><head><style>p{}</style><script>alert(1)</script></head><body>"
        "<p>Hello &amp; welcome</p><div>Line&nbsp;two<br>three</div>"
        "<blockquote type='cite'>quoted 2 March</blockquote>"
        "<div id='divRplyFwdMsg'>From: x</div><div>earlier message text</div></body></html>"
    )
    text = html_to_text(html)
    new, _ = strip_quotes_and_signature(text)
    assert new == "Hello & welcome\nLine two\nthree"


def test_unclosed_and_broken_html_does_not_raise():
    assert "text" in html_to_text("<p><b>text<div <<>> </p></i></span><!-- unclosed")


def test_a_mislabelled_utf8_body_is_read_as_utf8():
    parsed = parse_message(_raw("café", content_type="text/plain; charset=iso-8859-1"))
    assert parsed.new_text == "café"


def test_invalid_base64_is_recorded_not_raised():
    raw = _raw("!!!@@@###", "Content-Transfer-Encoding: base64")
    parsed = parse_message(raw)
    assert parsed.kind == MessageKind.FROM_A_PERSON


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage",
        b"Subject: =?utf-8?b?!!!?=\n\nhi",
        b"From: <<<>>>\nContent-Type: multipart/mixed\n\nno boundary at all",
        b'From: a@b.c\nContent-Type: text/plain; charset="\n\nbroken param',
        b"Content-Type: text/plain; charset*=utf-8''%ZZ\n\nbad 2231",
        b"From: =?x-unknown?q?name?= <a@example.org>\n\nhello",
        b"Content-Type: message/rfc822\n\nFrom: inner@x\n\ninner",
        b"From: a@example.org\nContent-Type: multipart/alternative; boundary=b\n\n--b\n--b\n--b--",
        b"From: encodedword5x <a@example.org>\n\nnames that look like our own marks",
    ],
)
def test_nothing_a_sender_sends_makes_the_parser_raise(raw):
    parsed = parse_message(raw)
    assert isinstance(parsed.fingerprint, str) and parsed.fingerprint


def test_a_message_over_the_limit_is_not_read():
    raw = _raw("Please book me on 2 March. " + "x" * 5000)
    parsed = parse_message(raw, max_bytes=1000)
    assert parsed.kind == MessageKind.TOO_LARGE
    assert parsed.new_text == ""
    assert parsed.sender == "jo@cumberland.gov.uk"
    assert parsed.fingerprint == "mid:m1@x"


def test_the_size_reported_by_the_caller_counts():
    parsed = parse_message(_raw("hi"), max_bytes=1000, size=10_000)
    assert parsed.kind == MessageKind.TOO_LARGE


def test_a_well_formed_message_id_is_the_fingerprint_in_lower_case():
    assert parse_message(_raw("hi").replace(b"<m1@x>", b" <M1@X> ")).fingerprint == "mid:m1@x"


def test_without_a_well_formed_message_id_the_same_message_is_still_known():
    """By a hash of its sender, date and text: a second delivery (through other servers)
    matches; another message does not."""
    odd_id = b" < M1@X >"
    first = parse_message(
        _raw("hi", "Date: Fri, 2 Jan 2026 15:02 +0000").replace(b"<m1@x>", odd_id)
    )
    again = _raw("hi", "Date: Fri, 2 Jan 2026 15:02 +0000", "Received: from mx2").replace(
        b"<m1@x>", odd_id
    )
    other = _raw("hello", "Date: Fri, 2 Jan 2026 15:02 +0000").replace(b"<m1@x>", odd_id)
    assert first.fingerprint.startswith("sha256:")
    assert parse_message(again).fingerprint == first.fingerprint
    assert parse_message(other).fingerprint != first.fingerprint


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Auto-Submitted: auto-replied", "automatic_reply"),
        ("Auto-Submitted: auto-generated; owner-email=x@y", "automatic_reply"),
        ("X-Auto-Response-Suppress: All", "automatic_reply"),
        ("X-Autoreply: yes", "automatic_reply"),
        ("Precedence: bulk", "mailing_list"),
        ("Precedence: junk", "automatic_reply"),
        ("Precedence: list", "mailing_list"),
        ("Return-Path: <>", "bounce"),
    ],
)
def test_automatic_messages_are_recognised_by_their_headers(header, reason):
    parsed = parse_message(_raw("Book me on 2 March", header))
    assert parsed.kind == MessageKind.NOT_A_REQUEST
    assert parsed.reason == reason


def test_auto_submitted_no_is_a_person():
    assert parse_message(_raw("hi", "Auto-Submitted: no")).kind == MessageKind.FROM_A_PERSON


@pytest.mark.parametrize(
    "subject",
    ["Accepted: Training", "Declined: Training", "Tentative: Training", "Automatic reply: x"],
)
def test_calendar_and_automatic_replies_are_recognised_by_their_subject(subject):
    raw = _raw("hi").replace(b"Subject: Training", f"Subject: {subject}".encode())
    assert parse_message(raw).kind == MessageKind.NOT_A_REQUEST


@pytest.mark.parametrize("local", ["MAILER-DAEMON", "postmaster", "no-reply", "noreply"])
def test_bounce_and_no_reply_senders_are_not_answered(local):
    raw = _raw("hi").replace(b"jo@cumberland.gov.uk", f"{local}@cumberland.gov.uk".encode())
    assert parse_message(raw).kind == MessageKind.NOT_A_REQUEST


def test_a_calendar_reply_part_is_recognised_without_the_subject():
    parsed = parse_message(message_bytes("outlook_accepted.eml").replace(b"Accepted: ", b""))
    assert parsed.reason == "calendar_reply"


def test_the_sender_is_checked_and_lower_cased():
    parsed = parse_message(_raw("hi").replace(b"jo@cumberland", b"Jo.Bloggs@Cumberland"))
    assert parsed.sender == "jo.bloggs@cumberland.gov.uk"
    bad = parse_message(_raw("hi").replace(b"<jo@cumberland.gov.uk>", b"<not an address>"))
    assert bad.sender == ""
    assert bad.problems


def test_a_display_name_with_an_encoded_line_break_stays_on_one_line():
    raw = _raw("hi").replace(b"From: Jo", b"From: =?utf-8?q?Jo=0D=0ABcc:_x@y?=")
    parsed = parse_message(raw)
    assert parsed.display_name == "Jo Bcc: x@y"
    assert parsed.sender == "jo@cumberland.gov.uk"


AR = "mx.cumbria.gov.uk; spf=pass smtp.mailfrom=nhs.net; dkim=pass header.d=nhs.net; dmarc=pass (p=reject) header.from=nhs.net"


def test_dmarc_pass_counts_only_from_the_trusted_server_and_the_senders_domain():
    assert dmarc_passed([AR], authserv_id="mx.cumbria.gov.uk", domain="nhs.net")
    assert not dmarc_passed([AR], authserv_id="mx.cumbria.gov.uk", domain="evil.example")
    assert not dmarc_passed([AR], authserv_id="mx.other.example", domain="nhs.net")
    assert not dmarc_passed([AR], authserv_id="", domain="nhs.net")
    assert not dmarc_passed([], authserv_id="mx.cumbria.gov.uk", domain="nhs.net")


def test_any_failing_dmarc_result_from_the_trusted_server_means_no():
    failing = AR.replace("dmarc=pass", "dmarc=fail")
    assert not dmarc_passed([AR, failing], authserv_id="mx.cumbria.gov.uk", domain="nhs.net")


def test_a_dmarc_pass_hidden_in_a_comment_does_not_count():
    sneaky = "mx.cumbria.gov.uk; dmarc=fail (dmarc=pass header.from=nhs.net) header.from=nhs.net"
    assert not dmarc_passed([sneaky], authserv_id="mx.cumbria.gov.uk", domain="nhs.net")


def test_authentication_results_are_collected_from_the_message():
    parsed = parse_message(message_bytes("outlook_request.eml"))
    assert parsed.authentication_results[0].startswith("mx.cumbria.gov.uk;")


def _with_attached_email(own: EmailMessage, attached: EmailMessage) -> bytes:
    own.add_attachment(attached)  # message/rfc822
    return own.as_bytes()


def _bounce() -> EmailMessage:
    bounce = EmailMessage()
    bounce["From"] = "MAILER-DAEMON@nhs.net"
    bounce["Subject"] = "Undeliverable"
    bounce.set_content("Your message could not be delivered.")
    bounce.add_attachment(
        "Final-Recipient: rfc822; someone@nhs.net\nAction: failed\n",
        subtype="delivery-status",
    )
    bounce.set_param("report-type", "delivery-status")
    bounce.replace_header(
        "Content-Type", bounce["Content-Type"].replace("multipart/mixed", "multipart/report")
    )
    return bounce


def test_an_attached_bounce_does_not_make_a_persons_message_a_bounce():
    own = EmailMessage()
    own["From"] = "Jo <jo@cumberland.gov.uk>"
    own["Subject"] = "Training"
    own["Message-ID"] = "<m1@x>"
    own.set_content("Please book me on the March course; my last email bounced, see below.")
    parsed = parse_message(_with_attached_email(own, _bounce()))
    assert parsed.kind == MessageKind.FROM_A_PERSON
    assert parsed.new_text.startswith("Please book me on the March course")


def test_the_text_of_an_attached_email_is_never_taken_for_the_senders_own():
    own = EmailMessage()
    own["From"] = "Jo <jo@cumberland.gov.uk>"
    own["Subject"] = "Training"
    own["Message-ID"] = "<m2@x>"
    own.add_alternative("<p>Please book me on the Kendal course.</p>", subtype="html")
    forwarded = EmailMessage()
    forwarded["From"] = "someone.else@nhs.net"
    forwarded.set_content("Words somebody else wrote.")
    parsed = parse_message(_with_attached_email(own, forwarded))
    assert "Please book me on the Kendal course." in parsed.new_text
    assert "somebody else" not in parsed.new_text


def test_a_multipart_whose_boundary_is_wrong_is_read_at_the_boundary_its_text_uses():
    """The standard library parses the parts again at the first line that looks like a
    boundary: the text part is kept, the other part is an attachment, no MIME lines stay."""
    parsed = parse_message(message_bytes("broken_mime.eml"))
    assert parsed.new_text == "Please can I book a place on 2 March?\n\nLou"
    assert parsed.attachments_skipped == 1
    assert any("structure" in problem for problem in parsed.problems)


def test_the_parts_of_a_multipart_read_again_keep_their_own_charsets():
    raw = (
        "From: a@example.org\nContent-Type: multipart/mixed; boundary=declared\n\n"
        "--used-instead\nContent-Type: text/plain; charset=utf-8\n\n"
        "I\u2019m free on 2 March \u2013 Renée\n--used-instead--\n"
    )
    assert parse_message(raw.encode()).new_text == "I\u2019m free on 2 March \u2013 Renée"


def test_a_display_name_written_in_utf8_without_encoding_is_read_as_utf8():
    parsed = parse_message("From: Renée Dupont <renee@example.org>\n\nhi".encode())
    assert parsed.display_name == "Renée Dupont"


def test_a_multipart_without_any_boundary_keeps_its_text():
    parsed = parse_message(
        b"From: a@example.org\nContent-Type: multipart/mixed\n\nBook me on 2 March"
    )
    assert parsed.new_text == "Book me on 2 March"


def test_a_whole_message_that_is_one_file_counts_as_one_attachment():
    parsed = parse_message(b"From: a@example.org\nContent-Type: application/pdf\n\n%PDF-1.4")
    assert parsed.attachments_skipped == 1
    assert parsed.new_text == ""
