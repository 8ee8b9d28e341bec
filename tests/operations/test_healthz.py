"""`/healthz`: 200 when the database answers and is migrated far enough, 503 saying why not."""

from __future__ import annotations

from sqlalchemy import text

from booking.extensions import db


def test_a_migrated_database_that_answers_is_healthy(client, stamped):
    stamped()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_a_database_behind_this_release_is_not_healthy(client, stamped):
    stamped("0001")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert "Run `flask db upgrade`" in response.get_data(as_text=True)


def test_a_database_never_migrated_is_not_healthy(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert "no tables yet" in response.get_data(as_text=True)


def test_a_database_a_newer_release_has_migrated_is_still_healthy(client, stamped):
    """Upgrades migrate first while this release still serves: it must stay in the pool."""
    stamped()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_next_release'"))

    assert client.get("/healthz").status_code == 200


def test_a_database_that_does_not_answer_is_not_healthy(make_app):
    # Nothing listens on port 1 of this machine.
    down = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")

    response = down.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_data(as_text=True).startswith("The database is not answering")
