"""Checks of the settings production starts with, each giving a plain message or None.

`create_app()` refuses to start in production when a check finds a problem that puts
people's data at risk, and logs a warning for the rest. `flask doctor` (booking/doctor.py)
runs the same functions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

from config import DEVELOPMENT_SECRET_KEY, TESTING_SECRET_KEY

MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
SECRET_KEY_MIN_LENGTH = 32
#: Fewer different characters than this and a key is a pattern, not a random value. Eight,
#: not ten: a random 32-character hexadecimal key (128 real bits) uses fewer than ten
#: characters about once in 10,000 keys, fewer than eight about once in 28 million.
SECRET_KEY_MIN_DISTINCT = 8
#: Bits of entropy estimated from how often each character appears (a random 32-character
#: hexadecimal key, 128 real bits, scores about 115; the weakest seen in 200,000 about 89).
SECRET_KEY_MIN_ESTIMATED_BITS = 80


def secret_key_problem(key: str | None) -> str | None:
    """Why `key` is not safe to sign sessions with in production, or None if it is."""
    problem = secret_key_weakness(key)
    if problem is None:
        return None
    return (
        f"SECRET_KEY {problem}, so anyone could sign themselves in as a coordinator. "
        f"Make a new one with\n    {MAKE_A_KEY}\n"
        "and set SECRET_KEY to it in the service's environment before starting in production."
    )


def secret_key_weakness(key: str | None) -> str | None:
    """What is wrong with `key` in a few words ("is not set", "is mostly one character
    repeated"), or None if it is long and random enough."""
    key = key or ""
    if not key.strip():
        return "is not set"
    if key in {DEVELOPMENT_SECRET_KEY, TESTING_SECRET_KEY}:
        return "is the example written in config.py, which everyone can read"
    visible = "".join(key.split())  # spaces and new lines add nothing an attacker must guess
    if len(visible) < SECRET_KEY_MIN_LENGTH:
        return f"must be {SECRET_KEY_MIN_LENGTH} characters or more, not counting spaces"
    counts = Counter(visible)
    if counts.most_common(1)[0][1] * 2 > len(visible):
        return "is mostly one character repeated"
    if len(counts) < SECRET_KEY_MIN_DISTINCT:
        return f"uses fewer than {SECRET_KEY_MIN_DISTINCT} different characters"
    if visible in (visible + visible)[1:-1]:
        return "is one short piece repeated"
    if _estimated_bits(counts, len(visible)) < SECRET_KEY_MIN_ESTIMATED_BITS:
        return "is too easy to guess"
    return None


def _estimated_bits(counts: Counter, length: int) -> float:
    """Shannon entropy of the key's own character frequencies, times its length."""
    return -length * sum(n / length * math.log2(n / length) for n in counts.values())


def rate_limits_in_memory(config: Mapping) -> bool:
    """Whether rate limits are on and kept in each worker's own memory (not shared)."""
    if not config.get("RATELIMIT_ENABLED", True):
        return False
    uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    return uri.startswith("memory://")


def rate_limit_storage_problem(config: Mapping) -> str | None:
    """Why rate limits are weaker than they look (kept in each worker's memory), or None."""
    if not rate_limits_in_memory(config):
        return None
    return (
        "Rate limits are kept in each worker's memory (RATELIMIT_STORAGE_URI is memory://), "
        "so every worker allows the full number of tries: with 4 workers, 4 times as many. "
        "Set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 so every worker shares the limits."
    )


def development_tools_problem(config: Mapping) -> str | None:
    """Why the development pages must not be on here, or None: they show every email the
    service writes, sign-in links included, to anyone who asks."""
    if not config.get("DEVELOPMENT_TOOLS"):
        return None
    return (
        "DEVELOPMENT_TOOLS is on. It shows every email the service writes, sign-in links "
        "included, to anyone, so it is for a developer's own computer only. "
        "Remove DEVELOPMENT_TOOLS from the service's environment before starting in production."
    )
