"""Count the lines of our own mail-reading code, as issue 23 measures them.

Counted: every line of Python that holds code, in the modules of booking/mail/inbound/ that
read a message and understand it (PARSING_FILES below). Not counted: blank lines, comment
lines, docstrings, and fetching.py (IMAP and the mail-server pipe: plumbing that brings a
message in, not code that reads it). A line holding code and a trailing comment counts.

    python scripts/count_parsing_lines.py                 # the working tree
    python scripts/count_parsing_lines.py --rev 5724d04~1  # before the move into booking/mail/
    python scripts/count_parsing_lines.py --rev adddd55    # after the move, before issue 23

With --rev, the files are read from git at that commit: booking/mail_parsing.py and
booking/mail_understanding.py if it has them (before the move into booking/mail/), else the
PARSING_FILES.
"""

from __future__ import annotations

import argparse
import ast
import io
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INBOUND = "booking/mail/inbound"
#: The reading and understanding code. Left out: __init__.py (empty) and fetching.py (IMAP).
PARSING_FILES = (
    "parsing.py",
    "headers.py",
    "names.py",
    "body.py",
    "html.py",
    "quotes.py",
    "text.py",
    "kinds.py",
    "authentication.py",
    "understanding.py",
)
BEFORE_FILES = ("booking/mail_parsing.py", "booking/mail_understanding.py")
#: The words the reading code looks for: data, counted apart (lines that are not blank or
#: only a comment), so the note can say both.
PHRASES = f"{INBOUND}/phrases.toml"


def code_lines(source: str) -> int:
    """Lines holding code: not blank, not only a comment, not part of a docstring."""
    lines_with_tokens: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (
            tokenize.COMMENT,
            tokenize.NL,
            tokenize.NEWLINE,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENDMARKER,
        ):
            continue
        lines_with_tokens.update(range(token.start[0], token.end[0] + 1))
    return len(lines_with_tokens - _docstring_lines(source))


def _docstring_lines(source: str) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        # A docstring, or a bare string under an assignment (an attribute's docstring).
        for statement in body:
            value = statement.value if isinstance(statement, ast.Expr) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                end = statement.end_lineno or statement.lineno
                found.update(range(statement.lineno, end + 1))
    return found


def _git_show(rev: str, path: str) -> str | None:
    result = subprocess.run(  # noqa: S603 - git itself, with a commit the developer names
        ["git", "show", f"{rev}:{path}"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout if result.returncode == 0 else None


def counts(rev: str | None) -> dict[str, int]:
    if rev is None:
        return {
            f"{INBOUND}/{name}": code_lines((ROOT / INBOUND / name).read_text())
            for name in PARSING_FILES
        }
    sources = {path: _git_show(rev, path) for path in BEFORE_FILES}
    if not any(sources.values()):
        sources = {f"{INBOUND}/{n}": _git_show(rev, f"{INBOUND}/{n}") for n in PARSING_FILES}
    return {path: code_lines(text) for path, text in sources.items() if text is not None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="a git commit to count instead of the working tree")
    args = parser.parse_args(argv)
    found = counts(args.rev)
    for path, count in found.items():
        print(f"{count:6d}  {path}")
    print(f"{sum(found.values()):6d}  total")
    text = (ROOT / PHRASES).read_text() if args.rev is None else _git_show(args.rev, PHRASES)
    if text:
        data = [
            line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
        ]
        print(f"{len(data):6d}  {PHRASES} (the words looked for: data, not in the total)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
