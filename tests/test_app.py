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


@pytest.mark.parametrize("path", ["/static/app.js", "/assets/govuk-frontend.min.css"])
def test_a_file_not_modified_is_closed_at_once(app, path):
    """A 304 sends no body, so nothing reads the file `send_file` opened: it is closed when
    the response is made, not left to the garbage collector."""
    with app.test_client() as client, client.get(path) as first:
        etag = first.headers["ETag"]
    with app.test_request_context(path, headers={"If-None-Match": etag}):
        response = app.full_dispatch_request()
    assert response.status_code == 304
    assert response.response.file.closed


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


# --- The secret key production starts with ------------------------------------------------

DEVELOPMENT_KEY = "development-only-secret-key-not-for-production"
WEAK_KEYS = {
    "the development key in config.py": DEVELOPMENT_KEY,
    "the testing key twice": "testing-secret-key" * 2,
    "32 spaces": " " * 32,
    "one character repeated": "a" * 64,
    "mostly one character": "a" * 40 + "bcdefghijklmnopq",
    "mostly spaces": " " * 40 + "Zq9xK2pL7wR4",
    "too few different characters": "abcdeabcdeedcbaedcbaabcdeabcdeedcbaedcba",
    "one piece repeated": "password1234" * 4,
    "too short": "kR3vX9qLmZ2wT7yB",
}


@pytest.mark.parametrize("key", WEAK_KEYS.values(), ids=WEAK_KEYS.keys())
def test_production_refuses_a_weak_or_known_secret_key(key, tmp_path):
    with pytest.raises(RuntimeError) as refused:
        create_app(
            "production", SECRET_KEY=key, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db"
        )
    message = str(refused.value)
    assert "SECRET_KEY" in message
    assert 'python -c "import secrets; print(secrets.token_urlsafe(48))"' in message


def test_production_starts_with_a_random_secret_key(tmp_path):
    import secrets

    app = create_app(
        "production",
        SECRET_KEY=secrets.token_urlsafe(48),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db",
        RATELIMIT_STORAGE_URI="memory://",
    )
    assert app.config["ENV_NAME"] == "production"


def test_the_secret_key_check_is_one_function_that_passes_random_keys():
    import secrets

    from booking.checks import secret_key_problem

    for _ in range(200):
        for key in (secrets.token_urlsafe(48), secrets.token_hex(32), secrets.token_hex(16)):
            assert secret_key_problem(key) is None, key
    for key in WEAK_KEYS.values():
        assert secret_key_problem(key)


def _production_app(tmp_path, **settings):
    import secrets

    return create_app(
        "production",
        SECRET_KEY=secrets.token_urlsafe(48),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db",
        **settings,
    )


def test_production_warns_when_rate_limits_are_kept_in_each_workers_memory(tmp_path, caplog):
    with caplog.at_level("WARNING"):
        _production_app(tmp_path, RATELIMIT_STORAGE_URI="memory://")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(
        "each worker's memory" in text and "RATELIMIT_STORAGE_URI=redis://" in text
        for text in warnings
    ), warnings


def test_production_with_shared_rate_limits_does_not_warn_about_them(tmp_path, caplog):
    with caplog.at_level("WARNING"):
        _production_app(tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    assert not [r for r in caplog.records if "RATELIMIT_STORAGE_URI" in r.getMessage()]
