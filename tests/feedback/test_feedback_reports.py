"""Coordinators' feedback reports: each course and trainer, no names, "too few to show"
under 3 responses, and a formula-safe spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import date

from booking.services import feedback, feedback_reports

from .conftest import AFTER

START, END = date(2026, 3, 1), date(2026, 3, 31)


def _answer(app, booking, **fields):
    response = feedback.response_for(booking, app.config["SECRET_KEY"])
    feedback.save_answers(response, feedback.Answers(**fields), now=AFTER)


def test_a_course_with_fewer_than_three_responses_shows_too_few(app, attend, after_course):
    bookings = [attend() for _ in range(4)]
    after_course()
    for booking in bookings[:2]:
        _answer(app, booking, worked_well="Mapping", confidence_before=2, confidence_after=7)
    [row] = feedback_reports.by_course(START, END)
    assert (row.invited, row.responses, row.rate, row.too_few) == (4, 2, 50, True)
    assert (row.before, row.after, row.change) == (None, None, None)
    assert row.answers(feedback.QuoteAnswer.WORKED_WELL) == []


def test_three_responses_show_the_scales_and_the_answers(app, attend, after_course):
    bookings = [attend() for _ in range(3)]
    after_course()
    for booking, (before, after) in zip(bookings, ((2, 7), (3, 8), (4, 6)), strict=True):
        _answer(app, booking, worked_well=f"Scaling {before}", confidence_before=before,
                confidence_after=after)  # fmt: skip
    [row] = feedback_reports.by_course(START, END)
    assert (row.responses, row.before, row.after, row.change) == (3, 3.0, 7.0, 4.0)
    assert row.answers(feedback.QuoteAnswer.WORKED_WELL) == ["Scaling 2", "Scaling 3", "Scaling 4"]


def test_each_trainer_named_on_a_course_gets_its_responses(app, attend, after_course):
    bookings = [attend() for _ in range(3)]
    after_course()
    for booking in bookings:
        _answer(app, booking, confidence_before=5, confidence_after=9)
    rows = feedback_reports.by_trainer(START, END)
    assert [(r.label, r.responses, r.change) for r in rows] == [
        ("Ali Khan", 3, 4.0), ("Jo Bell", 3, 4.0),
    ]  # fmt: skip


def test_a_course_with_trainers_accounts_reports_under_those_trainers(
    app, make, db, course, attend, after_course
):
    from booking.models import Role

    trainer = make.coordinator(role=Role.TRAINER, full_name="Tess Trainer")
    course.trainer_accounts.append(trainer)
    db.session.commit()
    bookings = [attend() for _ in range(3)]
    after_course()
    for booking in bookings:
        _answer(app, booking, confidence_before=5, confidence_after=9)
    rows = feedback_reports.by_trainer(START, END)
    assert [(r.label, r.responses) for r in rows] == [("Tess Trainer", 3)]


def test_a_date_range_leaves_out_other_courses(app, attend, after_course):
    attend()
    after_course()
    assert feedback_reports.by_course(date(2026, 4, 1), date(2026, 4, 30)) == []


def test_the_report_page_shows_no_names_and_says_too_few(
    app, attend, after_course, coordinator_client
):
    bookings = [attend(full_name=f"Named Person {n}") for n in range(2)]
    after_course()
    for booking in bookings:
        _answer(app, booking, worked_well="Secret detail", confidence_before=1, confidence_after=2)
    page = coordinator_client.get("/coordinator/reports/feedback?start=2026-03-01&end=2026-03-31")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Too few to show" in text
    assert "Named Person" not in text and "Secret detail" not in text
    assert "Ali Khan" in text


def test_the_spreadsheets_neutralise_formulas(app, attend, after_course, coordinator_client):
    bookings = [attend() for _ in range(3)]
    after_course()
    for booking in bookings:
        _answer(app, booking, worked_well="=HYPERLINK(\"http://x\")", confidence_before=1,
                confidence_after=2)  # fmt: skip
    answers = coordinator_client.get(
        "/coordinator/reports/feedback-answers.csv?start=2026-03-01&end=2026-03-31"
    )
    rows = list(csv.reader(io.StringIO(answers.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Course", "Question", "Answer"]
    assert {r[2] for r in rows[1:]} == {'\'=HYPERLINK("http://x")'}
    figures = coordinator_client.get(
        "/coordinator/reports/feedback.csv?start=2026-03-01&end=2026-03-31"
    )
    rows = list(csv.reader(io.StringIO(figures.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][1:] == ["Course", "3", "3", "100", "1.0", "2.0", "1.0"]


def test_only_coordinators_see_the_reports(client, attend, after_course):
    for path in (
        "/coordinator/reports/feedback",
        "/coordinator/reports/feedback.csv",
        "/coordinator/reports/feedback-answers.csv",
        "/coordinator/reports/feedback/quotes",
    ):
        response = client.get(path)
        assert response.status_code in (302, 401, 403), path
