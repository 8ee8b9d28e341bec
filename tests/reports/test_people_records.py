"""Looking people up and their training records; recording training completed elsewhere."""

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from booking.models import Attendance, BookingStatus, CompletionSource
from booking.services import records
from booking.services.errors import NotAllowed, ValidationError

from .conftest import NOW


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("amy", ["Amy Adams"]),
        ("AMY ADA", ["Amy Adams"]),
        ("  adams ", ["Amy Adams"]),
        ("@nhs.net", ["Nia Nurse", "Ola Offer", "Pat Police"]),
        ("NIA@NHS", ["Nia Nurse"]),
        ("w", []),  # one letter is too little to search on
        ("%", []),
        ("zzz", []),
    ],
)
def test_search_finds_people_by_part_of_their_name_or_email_in_any_case(programme, query, found):
    assert [p.full_name for p in records.search_people(query)] == found


def test_wildcards_in_a_search_are_taken_literally(make):
    make.person(full_name="Joe 100% Bloggs")
    make.person(full_name="Joe 1000 Bloggs")
    assert [p.full_name for p in records.search_people("100%")] == ["Joe 100% Bloggs"]
    assert [p.full_name for p in records.search_people("e_1")] == []


def test_a_record_shows_every_course_booked_waited_for_attended_or_missed(programme, make):
    wes = programme.people["wes"]
    make.booking(programme.b, wes, status=BookingStatus.CANCELLED)
    record = records.person_record(wes)
    assert sorted(line.status_words for line in record.lines) == [
        "Cancelled",
        "Had a place",
        "On the waitlist",
    ]
    dan = records.person_record(programme.people["dan"])
    [line] = dan.lines
    assert line.marks_words == ["Absent", "Absent"]
    assert line.is_no_show and "no-show" in line.outcome_words
    ben = records.person_record(programme.people["ben"]).lines[0]
    assert ben.marks_words == ["Late", "Left early (counts)"]
    assert (ben.outcome, ben.outcome_words) == (Attendance.COMPLETED, "Completed")
    nia = records.person_record(programme.people["nia"]).lines[0]
    assert (nia.outcome, nia.outcome_words) == (Attendance.NOT_COMPLETED, "Not completed")


def test_a_record_lists_completions_from_every_source(programme):
    [amy_completion] = records.person_record(programme.people["amy"]).completions
    assert amy_completion.source == CompletionSource.COURSE
    assert amy_completion.completed_on == date(2026, 3, 3)
    [pat_completion] = records.person_record(programme.people["pat"]).completions
    assert pat_completion.source == CompletionSource.ELSEWHERE
    assert pat_completion.reason == "Trained by the police in 2025"


def test_training_elsewhere_needs_a_reason_a_past_date_and_no_earlier_record(programme):
    will, course_type = programme.people["will"], programme.a.course_type
    actor = programme.coordinator
    with pytest.raises(ValidationError, match="Say how"):
        records.record_completion_elsewhere(
            will, course_type, date(2024, 1, 1), actor=actor, now=NOW, reason=" "
        )
    with pytest.raises(ValidationError, match="today or in the past"):
        records.record_completion_elsewhere(
            will, course_type, date(2026, 3, 21), actor=actor, now=NOW, reason="Told us"
        )
    with pytest.raises(NotAllowed, match="already has this training"):
        records.record_completion_elsewhere(
            programme.people["amy"], course_type, date(2024, 1, 1), actor=actor, now=NOW,
            reason="Told us",
        )  # fmt: skip


def test_search_page_links_to_the_record_page(coordinator_client, programme):
    page = coordinator_client.post("/coordinator/reports/people", data={"q": "ADAMS"}).get_data(
        as_text=True
    )
    amy = programme.people["amy"]
    assert f'href="/coordinator/reports/people/{amy.id}"' in page
    record = coordinator_client.get(f"/coordinator/reports/people/{amy.id}").get_data(as_text=True)
    assert "Amy Adams" in record and "completed Tuesday 3 March 2026" in record
    assert "Present" in record


def test_search_page_says_when_no_one_matches(coordinator_client, programme):
    page = coordinator_client.post("/coordinator/reports/people", data={"q": "nobody"}).get_data(
        as_text=True
    )
    assert "No one matches" in page


def test_a_record_downloads_as_csv(coordinator_client, programme):
    import csv
    import io

    dan = programme.people["dan"]
    response = coordinator_client.get(f"/coordinator/reports/people/{dan.id}/record.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][:5] == [
        "Dan Davies",
        "dan@westmorlandandfurness.gov.uk",
        "2026-03-02",
        "Kendal Town Hall",
        "Had a place",
    ]
    assert rows[1][5:7] == ["Absent", "Absent"]


def test_recording_training_elsewhere_from_the_record_page(coordinator_client, programme):
    will = programme.people["will"]
    url = f"/coordinator/reports/people/{will.id}/completed-elsewhere"
    form = MultiDict(
        [
            ("course_type", str(programme.a.course_type_id)),
            ("completed_on", "4"),
            ("completed_on", "11"),
            ("completed_on", "2019"),
        ]
    )
    response = coordinator_client.post(url, data=form)
    assert response.status_code == 400  # the form again, with the error
    assert "Say how you know they completed it" in response.get_data(as_text=True)
    form.add("reason", "Certificate seen")
    response = coordinator_client.post(url, data=form)
    assert response.status_code == 302
    page = coordinator_client.get(response.location).get_data(as_text=True)
    assert "The training is recorded." in page
    assert "completed Monday 4 November 2019" in page and "Certificate seen" in page


def test_a_date_with_missing_boxes_is_an_error_not_a_crash(coordinator_client, programme):
    will = programme.people["will"]
    response = coordinator_client.post(
        f"/coordinator/reports/people/{will.id}/completed-elsewhere",
        data={"course_type": str(programme.a.course_type_id), "reason": "Told us"},
    )
    assert response.status_code == 400
    assert "Enter the date they completed the training" in response.get_data(as_text=True)
    response = coordinator_client.post(
        f"/coordinator/reports/people/{will.id}/completed-elsewhere",
        data={"course_type": str(programme.a.course_type_id), "reason": "Told us",
              "completed_on": "4"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Enter the day, month and year" in response.get_data(as_text=True)


def test_unknown_people_are_not_found(coordinator_client, programme):
    assert coordinator_client.get("/coordinator/reports/people/9999").status_code == 404
