"""The application starts, serves its frame, and refuses unsafe production settings."""

import pytest

from booking import create_app


def test_calendar_page_is_served_with_the_govuk_frame(client):
    response = client.get("/courses")
    assert response.status_code == 200
    assert b'class="govuk-template"' in response.data
    assert b"Skip to main content" in response.data


def test_govuk_frontend_assets_are_served_by_the_app(client):
    with client.get("/assets/govuk-frontend.min.css") as response:
        assert response.status_code == 200
        assert b".govuk-" in response.data


def test_unknown_address_is_a_plain_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data


def test_every_number_in_an_address_is_checked_as_a_database_id(app):
    """A plain `<int:...>` lets numbers too big for the database through, which fail with a
    500 on SQLite: every route takes ids through the `id` converter instead."""
    from werkzeug.routing import IntegerConverter

    from booking.web import RowIdConverter

    plain = [
        f"{rule.rule} ({name})"
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if isinstance(converter, IntegerConverter) and not isinstance(converter, RowIdConverter)
    ]
    assert plain == []


def test_a_number_too_big_for_the_database_is_not_found(client, make, sign_in_coordinator):
    sign_in_coordinator(make.coordinator())
    for address in (
        "/coordinator/registers/days/99999999999999999999",
        "/coordinator/reports/people/99999999999999999999",
        "/coordinator/privacy/people/99999999999999999999",
        "/coordinator/mailbox/99999999999999999999",
    ):
        assert client.get(address).status_code == 404, address


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY="")


def test_database_errors_never_carry_the_values_people_typed(app, db, make):
    """Errors are logged; their SQL parameters could hold support needs, so they are hidden."""
    from sqlalchemy.exc import IntegrityError

    from booking.models import Person

    make.person(email="jo@cumberland.gov.uk")
    db.session.add(Person(email="jo@cumberland.gov.uk", full_name="Secret Name", group="staff"))
    try:
        db.session.commit()
    except IntegrityError as error:
        assert "Secret Name" not in str(error)
        assert "hidden due to hide_parameters" in str(error)
    else:
        raise AssertionError("a second person with the same email was saved")
    finally:
        db.session.rollback()
