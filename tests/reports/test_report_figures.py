"""Each report's figures on the known programme described in conftest.py."""

from datetime import date

from booking.services import reports

from .conftest import NOW


def test_attendance_and_completion_per_course(programme):
    [a] = reports.attendance_by_course(date(2026, 3, 1), date(2026, 3, 31))
    assert a.course.id == programme.a.id
    assert a.places == 4  # the cancelled booking is not counted
    assert a.attended == [3, 2]
    assert (a.completed, a.not_completed, a.no_shows) == (2, 2, 1)
    assert a.completion_rate == 50


def test_attendance_covers_every_course_starting_in_the_period_in_date_order(programme):
    rows = reports.attendance_by_course(date(2026, 2, 1), date(2026, 3, 31))
    assert [r.course.id for r in rows] == [programme.b.id, programme.a.id]
    assert (rows[0].places, rows[0].completed) == (1, 1)


def test_completions_by_organisation_and_team_over_a_period(app, programme):
    rows = reports.completions_by_organisation(
        date(2026, 1, 1), date(2026, 3, 31), council_names=app.config["COUNCIL_NAMES"]
    )
    assert [(g.organisation, g.team, g.from_courses, g.recorded_otherwise) for g in rows] == [
        ("Cumberland Council", "Team North", 1, 0),
        ("Cumberland Council", "Team South", 1, 0),
        ("Westmorland and Furness Council", "West", 1, 0),
    ]
    assert reports.organisation_totals(rows) == [
        ("Cumberland Council", 2),
        ("Westmorland and Furness Council", 1),
    ]


def test_council_staff_count_under_their_council_from_their_address(app, make, db):
    from booking.models import CompletionSource, Group, TrainingCompletion

    course_type = make.course().course_type
    for email, group, organisation in (
        ("amy@cumberland.gov.uk", Group.STAFF, ""),
        ("bo@social.westmorlandandfurness.gov.uk", Group.STAFF, ""),
        ("cy@cumberland.gov.uk", Group.STAFF, "Children's services"),
        ("di@nhs.net", Group.PARTNER, "NHS"),
        ("ed@school.org.uk", Group.PARTNER, ""),
    ):
        person = make.person(group, email=email, organisation=organisation, team="")
        db.session.add(
            TrainingCompletion(
                person_id=person.id,
                course_type_id=course_type.id,
                completed_on=date(2026, 3, 3),
                source=CompletionSource.COURSE,
            )
        )
    db.session.commit()
    rows = reports.completions_by_organisation(
        date(2026, 3, 1), date(2026, 3, 31), council_names=app.config["COUNCIL_NAMES"]
    )
    assert reports.organisation_totals(rows) == [
        ("Cumberland Council", 2),
        ("NHS", 1),
        ("Not given", 1),
        ("Westmorland and Furness Council", 1),
    ]


def test_completions_recorded_elsewhere_count_in_their_own_column(programme):
    rows = reports.completions_by_organisation(date(2025, 12, 1), date(2025, 12, 31))
    assert [(g.organisation, g.team, g.from_courses, g.recorded_otherwise) for g in rows] == [
        ("Cumbria Constabulary", "Not given", 0, 1)
    ]


def test_no_shows_are_people_absent_on_day_one_who_kept_their_place(programme):
    rows = reports.no_shows(date(2026, 3, 1), date(2026, 3, 31))
    assert [r.person.full_name for r in rows] == ["Dan Davies"]
    assert rows[0].day.date == date(2026, 3, 2)
    assert reports.no_shows(date(2026, 2, 1), date(2026, 2, 28)) == []


def test_people_waiting_with_no_date(programme):
    [row] = reports.waiting_without_a_date(NOW)
    assert row.person.full_name == "Will Waiting"  # Wes holds a place on D
    assert row.course.id == programme.c.id
    assert row.days_waiting == 10


def test_dashboard_figures(programme):
    board = reports.dashboard(NOW)
    assert [f.course.id for f in board.courses] == [programme.c.id, programme.d.id]
    c, d = board.courses
    assert (c.availability.staff_held, c.availability.partner_held, c.staff_allocation) == (2, 0, 8)
    assert (c.waiting, c.offers, c.at_risk) == (2, 0, True)
    assert (d.availability.held, d.availability.partner_held, d.offers, d.at_risk) == (
        3,
        1,
        1,
        False,
    )
    assert [o.person.full_name for o in board.offers] == ["Ola Offer"]
    assert [f.course.id for f in board.at_risk] == [programme.c.id]
    assert board.waiting == 2


def test_a_course_more_than_21_days_away_or_half_full_is_not_at_risk(make):
    course = make.course(date(2026, 4, 1), total_places=4)
    today = date(2026, 3, 20)
    assert reports.is_at_risk(course, 1, today)
    assert not reports.is_at_risk(course, 2, today)  # half full
    assert not reports.is_at_risk(course, 0, date(2026, 3, 10))  # 22 days to go


def test_recent_changes_come_from_the_audit_trail_newest_first(programme):
    board = reports.dashboard(NOW)
    assert board.recent[0].words == "Training recorded from elsewhere"
    assert len(board.recent) == 14  # every change so far (the page shows up to 15)
    assert all(change.event.action != "support_needs.viewed" for change in board.recent)
    named = [c for c in board.recent if c.person is not None]
    assert named and named[0].words.startswith("Register marked")
