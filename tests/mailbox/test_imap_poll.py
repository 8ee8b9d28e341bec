"""`flask mailbox poll` against a real Dovecot IMAP server on 127.0.0.1."""

from __future__ import annotations

from sqlalchemy import func, select

from booking.extensions import db
from booking.models import InboundMessage, InboundOutcome

from .conftest import message_bytes, outbox_rows
from .imap_server import GOOD_TOKEN


def _inbound() -> list[InboundMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_poll_handles_new_messages_and_a_second_poll_sees_nothing_new(
    imap_app, dovecot, courses, clock
):
    for name in ("outlook_request.eml", "out_of_office.eml", "apple_reply_quoted_date.eml"):
        dovecot.deliver(message_bytes(name))
    runner = imap_app.test_cli_runner()

    first = runner.invoke(args=["mailbox", "poll"])

    assert first.exit_code == 0, first.output
    assert "Handled 3 of 3 new messages" in first.output
    assert [m.outcome for m in _inbound()] == [
        InboundOutcome.BOOKING_LINK_SENT,
        InboundOutcome.IGNORED,
        InboundOutcome.TRIAGE,
    ]
    assert dovecot.count("INBOX") == 0
    assert dovecot.count("Processed") == 3
    assert dovecot.count("Processed", "KEYWORD SosBookingHandled") == 3

    second = runner.invoke(args=["mailbox", "poll"])

    assert second.exit_code == 0, second.output
    assert "No new messages." in second.output
    assert len(_inbound()) == 3
    assert len(outbox_rows()) == 2


def test_the_same_message_in_the_mailbox_twice_is_handled_once(imap_app, dovecot, courses, clock):
    dovecot.deliver(message_bytes("apple_mail_request.eml"))
    dovecot.deliver(message_bytes("apple_mail_request.eml"))

    result = imap_app.test_cli_runner().invoke(args=["mailbox", "poll"])

    assert result.exit_code == 0, result.output
    assert "booking_link_sent, duplicate" in result.output
    assert len(_inbound()) == 1
    assert len(outbox_rows()) == 1
    assert dovecot.count("Processed") == 2


def test_messages_a_person_has_already_opened_are_left_for_them(imap_app, dovecot, courses, clock):
    dovecot.deliver(message_bytes("apple_mail_request.eml"), flags="(\\Seen)")
    result = imap_app.test_cli_runner().invoke(args=["mailbox", "poll"])
    assert "No new messages." in result.output
    assert dovecot.count("INBOX") == 1


def test_an_oversized_message_is_recorded_from_its_headers_and_moved(
    imap_app, dovecot, courses, clock
):
    dovecot.deliver(message_bytes("oversized.eml"))
    result = imap_app.test_cli_runner().invoke(args=["mailbox", "poll"])
    assert result.exit_code == 0, result.output
    [message] = _inbound()
    assert message.outcome == InboundOutcome.REJECTED
    assert message.subject == "My certificates"
    assert dovecot.count("Processed") == 1


def test_starttls_works_on_the_plain_port(imap_app, dovecot, courses, clock):
    imap_app.config["MAILBOX_IMAP_PORT"] = dovecot.imap_port
    dovecot.deliver(message_bytes("apple_mail_request.eml"))
    result = imap_app.test_cli_runner().invoke(args=["mailbox", "poll", "--starttls"])
    assert result.exit_code == 0, result.output
    assert len(_inbound()) == 1


def test_an_oauth2_access_token_signs_in_with_xoauth2(imap_app, dovecot, courses, clock):
    imap_app.config.update(MAILBOX_IMAP_PASSWORD="", MAILBOX_IMAP_OAUTH2_TOKEN=GOOD_TOKEN)
    dovecot.deliver(message_bytes("apple_mail_request.eml"))
    result = imap_app.test_cli_runner().invoke(args=["mailbox", "poll"])
    assert result.exit_code == 0, result.output
    assert len(_inbound()) == 1


def test_a_refused_sign_in_asks_to_try_again_later(imap_app, dovecot, courses, clock):
    imap_app.config.update(MAILBOX_IMAP_OAUTH2_TOKEN="an-expired-token")
    dovecot.deliver(message_bytes("apple_mail_request.eml"))
    result = imap_app.test_cli_runner().invoke(args=["mailbox", "poll"])
    assert result.exit_code == 75
    assert "Could not read the mailbox" in result.output
    assert dovecot.count("INBOX", "UNSEEN") == 1


def test_a_server_certificate_we_do_not_trust_is_refused(imap_app, dovecot, courses, clock):
    imap_app.config["MAILBOX_IMAP_CA_FILE"] = ""
    result = imap_app.test_cli_runner().invoke(args=["mailbox", "poll"])
    assert result.exit_code == 75
    assert "certificate" in result.output.lower()


def test_when_the_database_is_down_messages_stay_new_for_the_next_poll(
    imap_app, dovecot, make_app, courses, clock, tmp_path
):
    dovecot.deliver(message_bytes("apple_mail_request.eml"))
    broken = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-folder/booking.db",
        **{k: v for k, v in imap_app.config.items() if k.startswith("MAILBOX_")},
    )

    with broken.app_context():  # the CLI runs in whichever app's context is current
        down = broken.test_cli_runner().invoke(args=["mailbox", "poll"])

    assert down.exit_code == 75, down.output
    assert dovecot.count("INBOX", "UNSEEN UNKEYWORD SosBookingHandled") == 1

    up = imap_app.test_cli_runner().invoke(args=["mailbox", "poll"])
    assert up.exit_code == 0, up.output
    assert db.session.scalar(select(func.count(InboundMessage.id))) == 1


def test_a_message_that_cannot_be_handled_does_not_hold_up_the_rest(dovecot):
    from booking.mail.inbound.fetching import ImapSettings, SkipMessage, poll

    from .imap_server import PASSWORD, USER

    dovecot.deliver(message_bytes("forward.eml"))
    dovecot.deliver(message_bytes("apple_mail_request.eml"))
    settings = ImapSettings(
        host="127.0.0.1",
        port=dovecot.imaps_port,
        user=USER,
        password=PASSWORD,
        ca_file=dovecot.ca_file,
    )
    seen = []

    def handle(raw: bytes, size: int) -> str:
        if b"Fwd: Training" in raw:
            raise SkipMessage()
        seen.append(size)
        return "handled"

    result = poll(settings, handle)

    assert (result.found, result.handled, result.skipped) == (2, 1, 1)
    assert dovecot.count("INBOX", "UNSEEN") == 1
    assert dovecot.count("Processed") == 1
    assert poll(settings, handle).found == 1  # the skipped one is tried again next time
