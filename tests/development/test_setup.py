"""A newcomer's set-up (issue 15, items 24 to 26), read from the Makefile, pyproject.toml
and the npm files as `make` and `npm ci` use them."""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST_TOOLS = {"pytest", "aiosmtpd", "playwright", "pytest-base-url", "ruff", "mypy"}


def _dry_run(*args: str) -> str:
    """What `make` would run for a clone with no virtual environment yet."""
    return subprocess.run(
        ["make", "--no-print-directory", "-n", *args, "VENV=/nonexistent/venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _names(requirements: list[str]) -> set[str]:
    return {
        requirement.split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip()
        for requirement in requirements
    }


def test_serving_needs_none_of_the_test_tools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not _names(project["dependencies"]) & TEST_TOOLS
    assert _names(project["optional-dependencies"]["test"]) >= TEST_TOOLS


def test_make_run_installs_only_what_serving_needs():
    commands = _dry_run("run")
    assert "pip install --quiet --disable-pip-version-check -e ." in commands
    assert "[test]" not in commands


@pytest.mark.parametrize("target", ["test", "lint"])
def test_make_test_and_lint_add_the_test_tools(target):
    assert "-e '.[test]'" in _dry_run(target)


def test_make_run_serves_on_the_port_given_and_emails_links_to_it():
    commands = _dry_run("run", "PORT=5050")
    assert "--port 5050" in commands
    assert 'SITE_URL="${SITE_URL:-http://127.0.0.1:5050}"' in commands


@pytest.mark.parametrize(
    "folder, packages",
    [(".", {"govuk-frontend", "jsqr", "sass"}), ("tests/browser", {"axe-core"})],
)
def test_npm_packages_are_pinned_by_a_committed_lock_file(folder, packages):
    manifest = json.loads((ROOT / folder / "package.json").read_text())
    lock = json.loads((ROOT / folder / "package-lock.json").read_text())
    assert set(manifest["dependencies"]) == packages
    for name, version in manifest["dependencies"].items():
        assert version[0].isdigit(), f"{name} {version} is a range, not one version"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    for path, entry in lock["packages"].items():
        if path:
            assert entry.get("integrity"), f"{path} has no integrity hash in the lock file"
    tracked = subprocess.run(
        [
            "git",
            "ls-files",
            "--error-unmatch",
            f"{folder}/package.json",
            f"{folder}/package-lock.json",
        ],
        cwd=ROOT,
        capture_output=True,
    )
    assert tracked.returncode == 0, tracked.stderr


@pytest.mark.parametrize("script", ["fetch-govuk-frontend.sh", "fetch-axe.sh"])
def test_the_asset_scripts_install_from_the_lock_file(script):
    text = (ROOT / "scripts" / script).read_text()
    assert "npm ci" in text
    assert "npm install" not in text.replace("`npm install --ignore-scripts`", "")
    assert "npm pack" not in text


@pytest.mark.parametrize(
    "path",
    [
        "node_modules/sass/package.json",
        "tests/browser/node_modules/axe-core/axe.min.js",
        "booking/static/govuk/govuk-frontend.min.css",
        "tests/browser/vendor/axe.min.js",
    ],
)
def test_installed_packages_and_built_files_are_not_committed(path):
    ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
    assert ignored.returncode == 0, f"{path} is not ignored by git"
