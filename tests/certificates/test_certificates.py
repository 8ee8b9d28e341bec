"""Certificates of completion: the PDF's text, random numbers, the check page, certificates
for training the team recorded, downloads, the after-course email, and erasure."""

from __future__ import annotations

import base64
import re
from datetime import date

import pytest
from sqlalchemy import select

from booking.extensions import db
from booking.models import AttendanceMark, Certificate, Mark, OutboxMessage
from booking.services import certificates, links, privacy, records
from booking.services.errors import NotAllowed
from booking.services.reminders import queue_due_reminders

from .conftest import AFTER, pdf_text


def _certificate(booking):
    certificate = certificates.certificate_for(certificates.completion_of(booking), now=AFTER)
    db.session.commit()
    return certificate


def test_the_pdf_holds_the_name_course_dates_venue_and_number(app, client, completed):
    page = client.get(links.manage_path(completed, app.config["SECRET_KEY"]))
    assert "Download your certificate of completion" in page.get_data(as_text=True)
    download = client.get(
        links.manage_path(completed, app.config["SECRET_KEY"]) + "/certificate.pdf"
    )
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    reader, text = pdf_text(download.data)
    number = db.session.scalars(select(Certificate.number)).one()
    for words in (
        "Certificate of completion", "Cara Complete", "Signs of Safety",
        "Monday 2 March 2026", "Tuesday 3 March 2026", "Kendal",
        "In person, two days (about 14 hours)", number, f"/certificates/{number}",
        "Cumberland Council and Westmorland and Furness Council",
    ):  # fmt: skip
        assert words in text, words


def test_the_pdf_is_tagged_and_has_a_title(completed):
    from booking.documents import certificate_pdf

    details = certificates.details(_certificate(completed))
    reader, _ = pdf_text(certificate_pdf.certificate_pdf(details, site_url="https://example.org"))
    assert len(reader.pages) == 1
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert reader.metadata.title.startswith("Certificate of completion")
    assert root["/Lang"] == "en-GB"


def test_numbers_are_random_and_read_back_however_typed(completed):
    number = _certificate(completed).number
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", number)
    assert certificates.new_number() != certificates.new_number()
    assert certificates.normalise(number.lower().replace("-", " ")) == number
    assert _certificate(completed).number == number  # one per completion


def test_the_check_page_for_a_real_number(app, client, completed):
    number = _certificate(completed).number
    page = client.get(f"/certificates/{number}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "This certificate is genuine" in text
    assert "Cara Complete" in text and "Tuesday 3 March 2026" in text
    assert "cara.complete@" not in text and "Kendal" not in text  # nothing else


def test_the_check_page_for_a_wrong_number(client, completed):
    _certificate(completed)
    for wrong in ("AAAA-BBBB-CCCC", "nonsense", "x" * 300):
        page = client.get(f"/certificates/{wrong}")
        assert page.status_code == 404
        assert "We cannot find this certificate" in page.get_data(as_text=True)


def test_a_corrected_register_cancels_the_certificate(client, completed):
    number = _certificate(completed).number
    mark = db.session.scalars(
        select(AttendanceMark).where(AttendanceMark.course_day_id == completed.course.days[1].id)
    ).one()
    mark.mark = Mark.ABSENT
    db.session.commit()
    records.update_outcome(completed, actor="system", now=AFTER)
    db.session.commit()
    page = client.get(f"/certificates/{number}")
    assert page.status_code == 404
    assert "This certificate has been cancelled" in page.get_data(as_text=True)


def test_training_the_team_recorded_gets_a_certificate_only_when_they_choose(
    app, make, coordinator_client, coordinator
):
    person = make.person(full_name="Rita Recorded")
    completion = records.record_completion_elsewhere(
        person, make.course_type(), date(2024, 5, 1), actor=coordinator, now=AFTER,
        reason="Trained in Leeds",
    )  # fmt: skip
    with pytest.raises(NotAllowed):
        certificates.certificate_for(completion, now=AFTER)
    record = f"/coordinator/reports/people/{person.id}"
    assert "Make a certificate" in coordinator_client.get(record).get_data(as_text=True)
    pdf_url = f"{record}/certificates/{completion.id}.pdf"
    assert coordinator_client.get(pdf_url).status_code == 404
    coordinator_client.post(f"{record}/certificates/{completion.id}")
    number = db.session.scalars(select(Certificate.number)).one()
    _, text = pdf_text(coordinator_client.get(pdf_url).data)
    assert "Rita Recorded" in text and "recorded by the training team" in text and number in text
    check = coordinator_client.get(f"/certificates/{number}").get_data(as_text=True)
    assert "recorded by the training team" in check


def test_my_bookings_offers_the_certificate_only_to_its_owner(client, make, completed):
    with client.session_transaction() as session:
        session["attendee"] = {"id": completed.person.id, "v": completed.person.session_version}
    assert "Download your certificate" in client.get("/my-bookings").get_data(as_text=True)
    download = client.get(f"/my-bookings/{completed.id}/certificate.pdf")
    assert download.status_code == 200 and "Cara Complete" in pdf_text(download.data)[1]
    other = make.person()
    with client.session_transaction() as session:
        session["attendee"] = {"id": other.id, "v": other.session_version}
    assert client.get(f"/my-bookings/{completed.id}/certificate.pdf").status_code == 404


def test_no_certificate_for_a_booking_that_did_not_complete(app, client, make):
    booking = make.booking(make.course())
    manage = links.manage_path(booking, app.config["SECRET_KEY"])
    response = client.get(manage + "/certificate.pdf")
    assert response.status_code == 302 and response.headers["Location"] == manage
    assert "There is no certificate for this booking" in client.get(manage).get_data(as_text=True)
    assert client.get("/b/forged-token/certificate.pdf").status_code == 404


def test_the_after_course_email_carries_the_certificate(completed):
    queue_due_reminders(now=AFTER)
    message = db.session.scalars(select(OutboxMessage)).one()
    [attachment] = message.attachments
    assert attachment["content_type"] == "application/pdf"
    _, text = pdf_text(base64.b64decode(attachment["data"]))
    assert "Cara Complete" in text
    assert "Your certificate of completion is attached" in message.text_body


def test_erasing_the_person_removes_their_certificates(client, make, completed):
    number = _certificate(completed).number
    privacy.erase_person(
        completed.person, actor=make.coordinator(), now=AFTER.replace(day=10), reason="Asked"
    )
    assert client.get(f"/certificates/{number}").status_code == 404
    assert db.session.scalars(select(Certificate)).all() == []
