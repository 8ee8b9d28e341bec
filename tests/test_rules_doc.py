"""Every rule the code or the tests cite by number ("rule 4", "rules 1-3") is written down in
docs/rules.md, once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES_DOC = ROOT / "docs" / "rules.md"
#: Where rules are cited: the application and the tests (this file names no rule itself).
CITING = [ROOT / "booking", ROOT / "tests"]

#: "rule 4", "Rule 7:", "rules 7 and 8", "rules 1-3", "rules 1 to 3", "rules 1, 2 and 6".
CITATION = re.compile(
    r"\brules?\s+(\d+(?:\s*(?:,|and|or|to|-|–)\s*\d+)*)",
    re.IGNORECASE,
)
HEADING = re.compile(r"^#+\s+Rule\s+(\d+)\.\s+\S", re.MULTILINE)


def cited_numbers(text: str) -> set[int]:
    """The rule numbers a text cites, with ranges ("1-3", "1 to 3") filled in."""
    numbers: set[int] = set()
    for match in CITATION.finditer(text):
        parts = re.split(r"\s*(,|and|or|to|-|–)\s*", match.group(1))
        values, joins = [int(p) for p in parts[::2]], parts[1::2]
        numbers.update(values)
        for join, (low, high) in zip(joins, zip(values, values[1:], strict=False), strict=False):
            if join in ("to", "-", "–"):
                numbers.update(range(low, high + 1))
    return numbers


def citations() -> dict[int, list[str]]:
    """Rule number -> the files that cite it."""
    found: dict[int, list[str]] = {}
    for folder in CITING:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".py", ".html", ".txt") or path == Path(__file__).resolve():
                continue
            for number in cited_numbers(path.read_text(encoding="utf-8")):
                found.setdefault(number, []).append(str(path.relative_to(ROOT)))
    return found


def documented_numbers() -> list[int]:
    return [int(n) for n in HEADING.findall(RULES_DOC.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("# The waitlist order (rule 4): one query", {4}),
        ("Rule 7: cancelling a whole course", {7}),
        ("# Coordinators (rules 7 and 8)", {7, 8}),
        ("# Taking a place (rules 1-3 and 6)", {1, 2, 3, 6}),
        ("# ---- rules 1 to 3", {1, 2, 3}),
        ("the rules are kept here", set()),
    ],
)
def test_citations_are_read_with_their_ranges(text, numbers):
    assert cited_numbers(text) == numbers


def test_every_rule_cited_in_the_code_and_tests_is_written_down():
    documented = set(documented_numbers())
    cited = citations()
    missing = {number: files for number, files in cited.items() if number not in documented}
    assert cited, "no rule citations found: has the pattern stopped matching?"
    assert missing == {}, f"cited but not in docs/rules.md: {missing}"


def test_each_rule_is_written_down_once_and_numbered_in_order():
    numbers = documented_numbers()
    assert numbers, "no rule headings found in docs/rules.md"
    assert numbers == sorted(set(numbers))
