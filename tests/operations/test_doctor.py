"""`flask doctor`: each setting ok, a warning or a problem with what to do; exit 1 on a problem."""

from __future__ import annotations

import re
import sys
import zoneinfo

import pytest

GOOD_KEY = "kP3v9Qx2Lm7Zr1Tn8Wc4Yb6Hd0Fg5Js2Ua9Ek3Vo7"
#: Settings a production server could really start with (the database is the test one).
PRODUCTION = {
    "ENV_NAME": "production",
    "SECRET_KEY": GOOD_KEY,
    "SITE_URL": "https://training.example.org",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "MAIL_SUPPRESS_SEND": False,
}


@pytest.fixture
def doctor(app, stamped):
    """Run `flask doctor` with some settings changed for the run; returns (exit code, lines)."""
    stamped()

    def run(*args: str, **settings):
        saved = dict(app.config)
        app.config.update(settings)
        try:
            result = app.test_cli_runner().invoke(args=["doctor", *args])
        finally:
            app.config.clear()
            app.config.update(saved)
        return result.exit_code, result.output

    return run


def _line(output: str, topic: str) -> str:
    match = re.search(rf"^(ok|warning|problem) +{topic}: .*$", output, re.M)
    assert match, f"no line for {topic} in:\n{output}"
    return match.group(0)


def _smtp_settings(smtp) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "MAIL_TIMEOUT": 5}


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=2).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(
    not _redis_answers(), reason="Redis is not running on 127.0.0.1:6379 (.ci/run starts it)"
)


def test_the_test_settings_are_ready(doctor):
    code, output = doctor()

    assert code == 0, output
    for topic in ("Site address", "Database", "Redis", "Rate limits", "Mail server"):
        assert _line(output, topic).startswith("ok")
    assert _line(output, "Time zone data").startswith("ok")
    # The testing key is fine for tests and said to be no good for production.
    assert _line(output, "Secret key").startswith("warning")
    assert "What to do: Make one with" in output


@needs_redis
def test_a_production_configuration_that_is_right_passes(doctor, smtp):
    code, output = doctor("--workers", "4", **PRODUCTION, **_smtp_settings(smtp))

    assert code == 0, output
    assert not re.search("^problem", output, re.M)
    assert _line(output, "Mail server") == (
        f"ok       Mail server: The mail server at 127.0.0.1:{smtp.port} answers EHLO."
    )
    assert _line(output, "Redis").startswith("ok")


def test_a_good_key_from_the_environment_is_not_taken_for_the_example(doctor, monkeypatch):
    """With SECRET_KEY set, config.py's development class holds the real key, not the example."""
    import config

    monkeypatch.setattr(config.DevelopmentConfig, "SECRET_KEY", GOOD_KEY)

    code, output = doctor(**{**PRODUCTION, "RATELIMIT_ENABLED": False, "MAIL_SUPPRESS_SEND": True})

    assert _line(output, "Secret key").startswith("ok"), output


@pytest.mark.parametrize(
    "key",
    [
        "",
        "short-key",
        "development-only-secret-key-not-for-production",
        "testing-secret-key",
        "a" * 40,
    ],
)
def test_production_refuses_a_weak_secret_key(doctor, smtp, key):
    settings = {**PRODUCTION, "RATELIMIT_ENABLED": False, "SECRET_KEY": key}
    code, output = doctor(**settings, **_smtp_settings(smtp))

    assert code == 1
    assert _line(output, "Secret key").startswith("problem")
    assert "1 problem" in output


def test_production_needs_an_https_site_address(doctor):
    code, output = doctor(**{**PRODUCTION, "SITE_URL": "http://training.example.org"})

    assert code == 1
    assert _line(output, "Site address").startswith("problem")
    assert "What to do: Set SITE_URL to the https:// address" in output


def test_a_database_not_migrated_is_a_problem(doctor, stamped):
    stamped("0001")

    code, output = doctor()

    assert code == 1
    assert _line(output, "Database").startswith("problem  Database: The database is at version")


def test_redis_that_does_not_answer_is_a_problem(doctor):
    # Nothing listens on port 1 of this machine.
    code, output = doctor(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", RATELIMIT_ENABLED=True)

    assert code == 1
    assert _line(output, "Redis").startswith("problem")


def test_limits_in_memory_are_a_problem_with_more_than_one_worker(doctor, monkeypatch):
    memory = {"RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": True}
    assert doctor(**memory)[0] == 0

    code, output = doctor("--workers", "3", **memory)
    assert code == 1
    assert "3 workers allow 3 times as many tries" in _line(output, "Rate limits")

    monkeypatch.setenv("WEB_CONCURRENCY", "2")  # what gunicorn reads too
    assert doctor(**memory)[0] == 1


def test_a_mail_server_that_does_not_answer_is_a_problem(doctor):
    code, output = doctor(
        MAIL_SUPPRESS_SEND=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=2
    )

    assert code == 1
    assert _line(output, "Mail server") == (
        "problem  Mail server: The mail server at 127.0.0.1:1 did not accept us "
        "(ConnectionRefusedError)."
    )


def test_incomplete_mailbox_settings_are_a_problem(doctor, tmp_path):
    code, output = doctor(MAILBOX_IMAP_HOST="imap.example.org", MAILBOX_IMAP_USER="")
    assert code == 1
    line = _line(output, "Training mailbox")
    assert "MAILBOX_IMAP_USER" in line and "MAILBOX_IMAP_PASSWORD" in line

    complete = {
        "MAILBOX_IMAP_HOST": "imap.example.org",
        "MAILBOX_IMAP_USER": "sos@example.org",
        "MAILBOX_IMAP_PASSWORD": "pw",
    }
    assert doctor(**complete)[0] == 0
    code, output = doctor(**complete, MAILBOX_IMAP_CA_FILE=str(tmp_path / "missing.pem"))
    assert code == 1
    assert "no file at" in _line(output, "Training mailbox")


def test_missing_time_zone_data_is_a_problem(doctor, tmp_path, monkeypatch):
    # No system time zone files, and no tzdata package to fall back on.
    # Every tzdata module: another library (dateparser's) may have loaded its zone files.
    for name in ["tzdata", *(m for m in list(sys.modules) if m.startswith("tzdata."))]:
        monkeypatch.setitem(sys.modules, name, None)
    zoneinfo.reset_tzpath(to=[str(tmp_path)])
    zoneinfo.ZoneInfo.clear_cache()
    try:
        code, output = doctor()
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()

    assert code == 1
    assert _line(output, "Time zone data").startswith("problem")
    assert "apt-get install tzdata" in output
