"""Importing past completions: a preview first (nothing saved), then confirm exactly that."""

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from booking.models import AuditEvent, CompletionSource, Group, Person, TrainingCompletion
from booking.services import records
from booking.services.errors import NotAllowed

from ..support.multipart import multipart
from .conftest import NOW

GOOD_AND_BAD = (
    "Email address,Name,Organisation,Team,Completed on\r\n"
    "new.person@cumberland.gov.uk,New Person,Cumberland Council,Team North,2024-03-25\r\n"
    "helper@nhs.net,Hattie Helper,NHS,,25/03/2023\r\n"
    "WILL@cumberland.gov.uk,,,,1 June 2022\r\n"
    "not-an-email,Someone,,,2024-01-01\r\n"
    "later@nhs.net,Later,,,2030-01-01\r\n"
    "baddate@nhs.net,Bad Date,,,31/02/2024\r\n"
    "new.person@cumberland.gov.uk,New Person,,,2024-03-25\r\n"
    "amy@cumberland.gov.uk,Amy Adams,,,2024-03-25\r\n"
    "nobody@nhs.net,,,,2024-03-25\r\n"
    ",,,,\r\n"
).encode("utf-8-sig")


def completions_count(db):
    return db.session.scalar(select(func.count(TrainingCompletion.id)))


def test_the_preview_shows_what_will_be_made_and_every_row_it_cannot_use(db, programme):
    before = completions_count(db)
    preview = records.preview_import(GOOD_AND_BAD, programme.a.course_type, now=NOW)
    assert [(r.line, r.email, r.completed_on, r.known_person) for r in preview.rows] == [
        (2, "new.person@cumberland.gov.uk", date(2024, 3, 25), False),
        (3, "helper@nhs.net", date(2023, 3, 25), False),
        (4, "will@cumberland.gov.uk", date(2022, 6, 1), True),
    ]
    problems = {p.line: p.text for p in preview.problems}
    assert sorted(problems) == [5, 6, 7, 8, 9, 10]
    assert "not an email address" in problems[5]
    assert "in the future" in problems[6]
    assert "not a date we can read" in problems[7]
    assert "also on row 2" in problems[8]
    assert "already has this training" in problems[9]
    assert "need their name" in problems[10]
    assert completions_count(db) == before  # nothing saved by a preview


def test_a_file_without_the_needed_columns_says_which_are_missing(programme):
    preview = records.preview_import(
        b"Name,When\nAmy,2024-01-01\n", programme.a.course_type, now=NOW
    )
    assert preview.rows == []
    assert "Email, Completed on" in preview.problems[0].text


def test_a_file_saved_by_older_excel_is_read(programme):
    data = "Email,Name,Completed on\nsian@nhs.net,Siân Jones,01/02/2020\n".encode("cp1252")
    [row] = records.preview_import(data, programme.a.course_type, now=NOW).rows
    assert row.full_name == "Siân Jones"


def test_confirming_saves_the_previewed_rows_and_new_people(db, programme):
    course_type = programme.a.course_type
    preview = records.preview_import(GOOD_AND_BAD, course_type, now=NOW)
    created = records.confirm_import(
        GOOD_AND_BAD, course_type, expected_digest=preview.digest, actor=programme.coordinator,
        now=NOW, reason="The old spreadsheet", council_domains=["cumberland.gov.uk"],
    )  # fmt: skip
    assert len(created) == 3
    assert all(c.source == CompletionSource.IMPORT for c in created)
    assert all(c.reason == "The old spreadsheet" for c in created)
    new = db.session.scalar(select(Person).where(Person.email == "new.person@cumberland.gov.uk"))
    assert (new.full_name, new.group, new.team) == ("New Person", Group.STAFF, "Team North")
    helper = db.session.scalar(select(Person).where(Person.email == "helper@nhs.net"))
    assert helper.group == Group.PARTNER


def test_confirming_refuses_when_things_changed_since_the_preview(db, programme):
    course_type = programme.a.course_type
    preview = records.preview_import(GOOD_AND_BAD, course_type, now=NOW)
    records.record_completion_elsewhere(
        programme.people["will"], course_type, date(2022, 6, 1), actor=programme.coordinator,
        now=NOW, reason="Phoned us",
    )  # fmt: skip
    before = completions_count(db)
    with pytest.raises(NotAllowed, match="changed since you checked"):
        records.confirm_import(
            GOOD_AND_BAD, course_type, expected_digest=preview.digest,
            actor=programme.coordinator, now=NOW, reason="Old list", council_domains=[],
        )  # fmt: skip
    assert completions_count(db) == before


def test_the_pages_preview_then_confirm_from_a_signed_copy(db, coordinator_client, programme):
    response = coordinator_client.post(
        "/coordinator/reports/import",
        data={
            "course_type": str(programme.a.course_type_id),
            "reason": "The old spreadsheet",
            "file": (io.BytesIO(GOOD_AND_BAD), "past.csv"),
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing is saved yet" in page
    assert "new.person@cumberland.gov.uk" in page and "not an email address" in page
    before = completions_count(db)
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', page).group(1)

    tampered = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    response = coordinator_client.post(
        "/coordinator/reports/import/confirm", data={"payload": tampered}
    )
    assert response.status_code == 400
    assert completions_count(db) == before

    response = coordinator_client.post(
        "/coordinator/reports/import/confirm", data={"payload": payload}
    )
    assert response.status_code == 302
    assert completions_count(db) == before + 3
    assert "3 past completions saved" in coordinator_client.get(response.location).get_data(
        as_text=True
    )


def test_uploading_without_a_file_or_reason_shows_errors(coordinator_client, programme):
    response = coordinator_client.post(
        "/coordinator/reports/import",
        data={"course_type": str(programme.a.course_type_id)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose a CSV file" in page and "Say where these records come from" in page


def test_an_empty_or_binary_file_is_refused_plainly(coordinator_client, programme):
    for content in (b"", b"\x00\x01\x02PK"):
        response = coordinator_client.post(
            "/coordinator/reports/import",
            data={
                "course_type": str(programme.a.course_type_id),
                "reason": "Old list",
                "file": (io.BytesIO(content), "past.csv"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 400


def test_the_import_keeps_its_own_smaller_limit_under_the_request_limit(
    coordinator_client, programme
):
    row = b"someone@cumberland.gov.uk,Some One,Cumberland Council,Team,2024-03-25\r\n"
    big = b"Email address,Name,Organisation,Team,Completed on\r\n" + row * (
        records.MAX_IMPORT_BYTES // len(row) + 10
    )
    assert (
        records.MAX_IMPORT_BYTES
        < len(big)
        < coordinator_client.application.config["MAX_CONTENT_LENGTH"]
    )
    fields = {"course_type": str(programme.a.course_type_id), "reason": "Old list"}
    response = coordinator_client.post(
        "/coordinator/reports/import", **multipart(fields, {"file": (big, "past.csv")})
    )
    assert response.status_code == 400
    assert "The file is too big" in response.get_data(as_text=True)


def test_people_an_import_adds_are_added_as_a_walk_in_is(db, programme):
    course_type = programme.a.course_type
    preview = records.preview_import(GOOD_AND_BAD, course_type, now=NOW)
    records.confirm_import(
        GOOD_AND_BAD, course_type, expected_digest=preview.digest, actor=programme.coordinator,
        now=NOW, reason="The old spreadsheet", council_domains=["cumberland.gov.uk"],
    )  # fmt: skip
    added = db.session.scalars(
        select(Person.email)
        .join(
            AuditEvent, (AuditEvent.object_type == "person") & (AuditEvent.object_id == Person.id)
        )
        .where(AuditEvent.action == "person.created")
    ).all()
    assert sorted(added) == ["helper@nhs.net", "new.person@cumberland.gov.uk"]
