"""The report by partner agency (issue 17): places and completions in a period, and the
people waiting now, for each agency and for partners linked to none."""

from __future__ import annotations

from datetime import UTC, date, datetime

from booking.models import BookingStatus, CompletionSource, Group, TrainingCompletion
from booking.services import reports

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def complete(db, person, course, on):
    db.session.add(
        TrainingCompletion(
            person_id=person.id,
            course_type_id=course.course_type_id,
            completed_on=on,
            source=CompletionSource.COURSE,
        )
    )
    db.session.commit()


def test_places_completions_and_waits_are_counted_per_agency(db, make):
    nhs = make.agency("NHS")
    police = make.agency("Police")
    make.agency("A school")  # on the list with nothing yet: shown with noughts
    march = make.course(date(2026, 3, 2))
    june = make.course(date(2026, 6, 1))
    make.booking(march, make.person(Group.PARTNER, agency_id=nhs.id))
    make.booking(march, make.person(Group.PARTNER, agency_id=nhs.id), status=BookingStatus.OFFERED)
    make.booking(june, make.person(Group.PARTNER, agency_id=nhs.id))  # outside the period
    make.booking(
        march, make.person(Group.PARTNER, agency_id=police.id), status=BookingStatus.WAITLISTED
    )
    make.booking(march, make.person(Group.PARTNER), status=BookingStatus.CANCELLED)
    make.booking(march, make.person(Group.STAFF))  # council staff are not in this report
    complete(db, make.person(Group.PARTNER, agency_id=police.id), march, date(2025, 12, 1))
    complete(db, make.person(Group.PARTNER), march, date(2025, 12, 2))

    rows = reports.by_agency(date(2025, 6, 1), date(2026, 3, 31), now=NOW)

    assert [(r.name, r.places, r.completions, r.waiting) for r in rows] == [
        ("A school", 0, 0, 0),
        ("NHS", 2, 0, 0),
        ("Police", 0, 1, 1),
        ("Not linked to an agency", 0, 1, 0),
    ]


def test_the_report_page_shows_each_agencys_figures(coordinator_client, db, make):
    nhs = make.agency("North Cumbria NHS")
    make.booking(make.course(date(2026, 3, 2)), make.person(Group.PARTNER, agency_id=nhs.id))

    page = coordinator_client.get(
        "/coordinator/reports/agencies?start=2026-01-01&end=2026-03-31"
    ).get_data(as_text=True)

    assert "North Cumbria NHS" in page
    assert "There is a problem" not in page
    csv = coordinator_client.get(
        "/coordinator/reports/agencies.csv?start=2026-01-01&end=2026-03-31"
    )
    assert csv.mimetype == "text/csv"
    assert "North Cumbria NHS,1,0,0" in csv.get_data(as_text=True)
    assert "by partner agency" in coordinator_client.get("/coordinator/reports").get_data(
        as_text=True
    )


def test_the_report_is_for_coordinators_only(client, clock):
    response = client.get("/coordinator/reports/agencies")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/coordinator/sign-in")
