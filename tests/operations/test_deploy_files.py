"""What an administrator copies from deploy/: the files are valid for the tools that read
them (systemd-analyze verify, nginx -t, gunicorn --check-config, bash -n) and agree with the
code (every setting in the environment template, a timer for every scheduled command)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import config
from booking.services import jobs

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
TEMPLATE = (DEPLOY / "sos-booking.env.example").read_text()
#: Settings that hold a password, a key or a token.
SECRETS = {
    "SECRET_KEY",
    "DATABASE_URL",
    "MAIL_PASSWORD",
    "MAILBOX_IMAP_PASSWORD",
    "MAILBOX_IMAP_OAUTH2_TOKEN",
    "MAILBOX_OAUTH2_CLIENT_SECRET",
    "METRICS_TOKEN",
}
#: Read by config.py for the test suite only.
NOT_FOR_SERVERS = {"TEST_DATABASE_URL"}


def _settings_read_by_config() -> set[str]:
    source = Path(config.__file__).read_text()
    names = re.findall(r'(?:environ\.get|_env_\w+)\(\s*"([A-Z0-9_]+)"', source)
    return set(names) - NOT_FOR_SERVERS | {"FLASK_CONFIG"}


def _documented() -> dict[str, tuple[str, str]]:
    """Each setting in the template: (its default in words, whether it is secret)."""
    found = {}
    lines = TEMPLATE.splitlines()
    for comment, line in zip(lines, lines[1:], strict=False):
        match = re.fullmatch(
            r"# ([A-Z0-9_]+): .+ Default: (.+?)\. (Secret.*|Not secret)\.", comment
        )
        if match and re.match(rf"#?{match.group(1)}=", line):
            found[match.group(1)] = (match.group(2), match.group(3))
    return found


def test_the_environment_template_lists_every_setting_with_its_default_and_secrecy():
    documented = _documented()
    missing = _settings_read_by_config() - set(documented)
    assert missing == set(), f"not in deploy/sos-booking.env.example: {sorted(missing)}"
    for name, (_default, secrecy) in documented.items():
        if name in SECRETS:
            assert secrecy == "Secret", name
        else:
            assert secrecy != "Secret", name


def test_the_environment_template_gives_the_defaults_config_uses(monkeypatch):
    checked = 0
    for name, (default, _secrecy) in _documented().items():
        value = getattr(config.Config, name, None)
        if name in os.environ or isinstance(value, str) and not value:
            continue
        if isinstance(value, bool):
            expected = "1" if value else "0"
        elif isinstance(value, int | str):
            expected = str(value)
        else:
            continue
        assert default.startswith(expected), f"{name}: template says {default!r}, config {value!r}"
        checked += 1
    assert checked >= 30


def test_a_timer_runs_each_scheduled_command_and_its_service_exists():
    timers = [unit for unit in UNITS if unit.suffix == ".timer"]
    services = {unit.name for unit in UNITS if unit.suffix == ".service"}
    commands = set()
    for timer in timers:
        service = timer.with_suffix(".service").name
        assert service in services
        exec_start = re.search(r"^ExecStart=(.+)$", (timer.parent / service).read_text(), re.M)
        commands.add(exec_start.group(1).split("/bin/flask ")[-1])
    assert {f"{name}" for name in jobs.SCHEDULED} <= commands


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed (apt-get install systemd)",
)
def test_the_unit_files_pass_systemd_analyze_verify(tmp_path):
    if not (ROOT / ".venv/bin/gunicorn").exists():
        pytest.skip("the virtual environment with gunicorn is not in this checkout")
    for unit in UNITS:
        # Pointed at this checkout, so the programs they start exist and are checked.
        text = unit.read_text().replace("/srv/sos-booking", str(ROOT))
        (tmp_path / unit.name).write_text(text)

    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    key, cert = folder / "site.key", folder / "site.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return key, cert


def nginx_configuration(folder: Path, *, https_port: int, http_port: int, app_port: int) -> Path:
    """deploy/nginx/ made runnable in `folder`: this checkout's files, loopback ports, a
    certificate made now, logs and temporary files in the folder."""
    key, cert = _self_signed_certificate(folder)
    proxy = (DEPLOY / "nginx/sos-booking-proxy.conf").read_text()
    (folder / "proxy.conf").write_text(proxy)
    site = (DEPLOY / "nginx/sos-booking.conf").read_text()
    for old, new in {
        "/srv/sos-booking": str(ROOT),
        "/etc/ssl/certs/sos-booking.pem": str(cert),
        "/etc/ssl/private/sos-booking.key": str(key),
        "/var/log/nginx/": f"{folder}/",
        "/etc/nginx/sos-booking-proxy.conf": str(folder / "proxy.conf"),
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
    }.items():
        assert old in site or old in proxy, old
        site = site.replace(old, new)
    (folder / "site.conf").write_text(site)
    main = folder / "nginx.conf"
    main.write_text(
        f"""
        pid {folder}/nginx.pid;
        error_log {folder}/error.log;
        worker_processes 1;
        events {{ worker_connections 64; }}
        http {{
            include /etc/nginx/mime.types;
            client_body_temp_path {folder}/body;
            proxy_temp_path {folder}/proxy;
            fastcgi_temp_path {folder}/fastcgi;
            uwsgi_temp_path {folder}/uwsgi;
            scgi_temp_path {folder}/scgi;
            include {folder}/site.conf;
        }}
        """
    )
    return main


needs_nginx = pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
    reason="nginx is not installed (apt-get install nginx; .ci/run installs it)",
)


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


@needs_nginx
def test_nginx_accepts_the_site(tmp_path):
    conf = nginx_configuration(tmp_path, https_port=8443, http_port=8080, app_port=8000)

    result = subprocess.run(
        [nginx_binary(), "-t", "-q", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


def test_gunicorn_accepts_its_configuration():
    for log_format in ("json", "text"):
        result = subprocess.run(
            [sys.executable, "-m", "gunicorn", "--check-config",
             "--config", str(DEPLOY / "gunicorn.conf.py"), "wsgi:app"],
            cwd=ROOT,
            env={**os.environ, "LOG_FORMAT": log_format, "FLASK_CONFIG": "testing"},
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "script", ["backup.sh", "restore.sh", "run-without-systemd.sh", "flask.sh", "env.sh"]
)
def test_the_shell_scripts_parse(script):
    result = subprocess.run(["bash", "-n", str(DEPLOY / script)], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr


def test_static_addresses_carry_the_files_version_so_they_can_be_kept_a_year(client):
    import hashlib

    page = client.get("/courses").get_data(as_text=True)
    digest = hashlib.sha256((ROOT / "booking/static/app.css").read_bytes()).hexdigest()[:12]
    assert f"/static/app.css?v={digest}" in page
