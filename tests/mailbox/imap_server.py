"""A real Dovecot IMAP server on 127.0.0.1 for the poll tests, with its own configuration,
certificate, users and maildir in a temporary folder (nothing from /etc/dovecot is read).

It accepts a password (a passwd-file user) and OAuth2 access tokens over XOAUTH2, checked
against a tiny token-introspection endpoint served from this process.
"""

from __future__ import annotations

import imaplib
import json
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

USER = "mailbox"
PASSWORD = "correct-mailbox-password"
GOOD_TOKEN = "a-valid-oauth2-access-token"

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login xoauth2
default_internal_user = {internal_user}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {root}/oauth2.conf.ext
}}
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""

OAUTH2 = """
introspection_url = http://127.0.0.1:{port}/introspect
introspection_mode = post
username_attribute = username
active_attribute = active
active_value = true
"""


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Introspection(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the name http.server calls
        length = int(self.headers.get("Content-Length") or 0)
        token = parse_qs(self.rfile.read(length).decode()).get("token", [""])[0]
        answer = {"active": True, "username": USER} if token == GOOD_TOKEN else {"active": False}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep test output quiet
        pass


class Dovecot:
    """Start with `start()`, stop with `stop()`; `client()` gives a signed-in IMAP client."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="sos-dovecot-"))
        self.imap_port = _free_port()
        self.imaps_port = _free_port()
        self.process: subprocess.Popen | None = None
        self.http: ThreadingHTTPServer | None = None

    @property
    def ca_file(self) -> str:
        return str(self.root / "cert.pem")

    def start(self) -> Dovecot:
        root = self.root
        # The mail processes run as an unprivileged user (Dovecot refuses root), which must
        # be able to reach the maildir inside this folder.
        os.chmod(root, 0o711)  # noqa: S103 - traverse only, no listing
        for name in ("run", "state", "mail", "home"):
            (root / name).mkdir()
        mail_user = pwd.getpwnam("nobody")
        os.chown(root / "mail", mail_user.pw_uid, mail_user.pw_gid)
        os.chown(root / "home", mail_user.pw_uid, mail_user.pw_gid)
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem"),
                "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), _Introspection)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        (root / "oauth2.conf.ext").write_text(OAUTH2.format(port=self.http.server_address[1]))

        internal = "dovecot" if _user_exists("dovecot") else "nobody"
        login = "dovenull" if _user_exists("dovenull") else "nobody"
        (root / "dovecot.conf").write_text(
            CONFIG.format(
                root=root,
                internal_user=internal,
                login_user=login,
                mail_user=mail_user.pw_uid,
                mail_group=mail_user.pw_gid,
                imap_port=self.imap_port,
                imaps_port=self.imaps_port,
            )
        )
        self.process = subprocess.Popen(
            [dovecot_binary(), "-F", "-c", str(root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self._wait_until_listening()
        return self

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Dovecot did not start: {self.process.stderr.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.imaps_port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Dovecot did not start listening within 15 seconds")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        if self.http is not None:
            self.http.shutdown()
            self.http.server_close()
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=self.ca_file)
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port, ssl_context=context, timeout=10)
        imap.login(USER, PASSWORD)
        return imap

    def deliver(self, raw: bytes, folder: str = "INBOX", flags: str | None = None) -> None:
        imap = self.client()
        try:
            status, data = imap.append(
                folder, flags, None, raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            )
            assert status == "OK", data
        finally:
            imap.logout()

    def count(self, folder: str, criteria: str = "ALL") -> int:
        imap = self.client()
        try:
            status, _ = imap.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return 0
            _, data = imap.uid("SEARCH", None, criteria)
            return len(data[0].split()) if data and data[0] else 0
        finally:
            imap.logout()


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
