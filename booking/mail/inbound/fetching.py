"""Fetching new messages from the training mailbox over IMAP (TLS only). No Flask here.

`poll(settings, handle)` signs in (password, or an OAuth2 access token with XOAUTH2 as
Microsoft 365 requires; `OAuth2Client` gets a fresh one with the client-credentials grant), finds messages nobody has handled, passes each one's bytes to
`handle`, and marks it handled only once `handle` returns: moved to the `Processed` folder
(created if missing), or, where folders cannot be made, flagged seen with our own keyword.
Either way a second poll does not see it again. If `handle` raises (the database is down,
say) the message is left exactly as it was and the poll stops, so the next one retries it.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

#: Our own IMAP keyword on messages we have handled (used when no folder can be made).
HANDLED_KEYWORD = "SosBookingHandled"
PROCESSED_FOLDER = "Processed"


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int = 993
    user: str = ""
    password: str = ""
    oauth2_token: str = ""
    #: Connect in plain text and upgrade with STARTTLS (for servers without port 993).
    starttls: bool = False
    #: A CA bundle to trust instead of the system's (a test server's own certificate).
    ca_file: str = ""
    folder: str = "INBOX"
    processed_folder: str = PROCESSED_FOLDER
    timeout: float = 30.0
    #: Messages larger than this are not downloaded: only their headers are.
    max_message_bytes: int = 5 * 1024 * 1024
    #: The most messages one poll handles (the rest wait for the next poll).
    batch_size: int = 100


#: What Microsoft 365 asks for to read a mailbox over IMAP with an application's own token.
DEFAULT_OAUTH2_SCOPE = "https://outlook.office365.com/.default"


@dataclass(frozen=True)
class OAuth2Client:
    """An application registered with the mail provider, which gets its own access tokens
    with the OAuth2 client-credentials grant (Microsoft 365's tokens last an hour, so a
    fixed token will not do)."""

    client_id: str
    client_secret: str
    #: The Microsoft Entra tenant (its id or domain); ignored when `token_url` is given.
    tenant: str = ""
    token_url: str = ""
    scope: str = DEFAULT_OAUTH2_SCOPE
    timeout: float = 30.0

    @property
    def url(self) -> str:
        """Where tokens come from: `token_url`, or the tenant's Microsoft token endpoint."""
        if self.token_url:
            return self.token_url
        return f"https://login.microsoftonline.com/{self.tenant}/oauth2/v2.0/token"

    def fetch_token(self) -> str:
        """A fresh access token; raises MailboxUnavailable (never quoting the secret)."""
        from authlib.integrations.requests_client import OAuth2Session

        session = OAuth2Session(
            self.client_id,
            self.client_secret,
            scope=self.scope,
            token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
        )
        try:
            token = session.fetch_token(
                self.url, grant_type="client_credentials", timeout=self.timeout
            )
        except Exception as exc:  # noqa: BLE001 - any failure means: try again later
            raise MailboxUnavailable(
                f"Could not get a token to read the mailbox ({type(exc).__name__})."
            ) from exc
        finally:
            session.close()
        access_token = (token or {}).get("access_token")
        if not access_token:
            raise MailboxUnavailable("Could not get a token to read the mailbox (none given).")
        return str(access_token)


@dataclass
class PollResult:
    found: int = 0
    handled: int = 0
    skipped: int = 0  #: left for a later poll because `handle` raised SkipMessage
    marked_by: str = ""  #: "folder" or "keyword"
    outcomes: list[str] = field(default_factory=list)


class MailboxUnavailable(Exception):
    """The IMAP server could not be reached or refused us."""


class SkipMessage(Exception):
    """Raised by `handle` to leave one message for a later poll and carry on with the rest
    (so one message that trips a fault cannot hold up every message behind it)."""


def poll(settings: ImapSettings, handle: Callable[[bytes, int], str]) -> PollResult:
    """Hand each unhandled message to `handle(raw, size)` and mark it handled.

    `handle` returns a short word describing what happened (kept in the result). If it
    raises SkipMessage the message is left as it was; any other exception stops the poll.
    """
    if not settings.host:
        raise MailboxUnavailable("MAILBOX_IMAP_HOST is not set.")
    try:
        imap = _connect(settings)
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
        raise MailboxUnavailable(f"Could not connect to {settings.host}: {exc}") from exc
    result = PollResult()
    try:
        _sign_in(imap, settings)
        can_move = _can_move(imap)
        use_folder = _ensure_folder(imap, settings.processed_folder)
        result.marked_by = "folder" if use_folder else "keyword"
        _check(imap.select(_quote(settings.folder)), "select the mailbox folder")
        keyword = HANDLED_KEYWORD if _keywords_allowed(imap) else ""
        uids = _unhandled(imap)[: settings.batch_size]
        result.found = len(uids)
        for uid in uids:
            raw, size = _fetch(imap, uid, settings.max_message_bytes)
            if raw is None:
                continue
            try:
                result.outcomes.append(handle(raw, size))
            except SkipMessage:
                result.outcomes.append("left for later")
                result.skipped += 1
                continue
            folder = settings.processed_folder if use_folder else ""
            _mark_handled(imap, uid, folder=folder, keyword=keyword, can_move=can_move)
            result.handled += 1
        if use_folder and not can_move:
            imap.expunge()
    except imaplib.IMAP4.error as exc:
        raise MailboxUnavailable(f"The mail server refused a command: {exc}") from exc
    finally:
        _log_out(imap)
    return result


def _connect(settings: ImapSettings) -> imaplib.IMAP4:
    context = ssl.create_default_context(cafile=settings.ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings.starttls:
        imap = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
        try:
            imap.starttls(ssl_context=context)
        except Exception:
            _log_out(imap)
            raise
        return imap
    return imaplib.IMAP4_SSL(
        settings.host, settings.port, ssl_context=context, timeout=settings.timeout
    )


def _sign_in(imap: imaplib.IMAP4, settings: ImapSettings) -> None:
    if settings.oauth2_token:
        auth_string = f"user={settings.user}\x01auth=Bearer {settings.oauth2_token}\x01\x01"
        imap.authenticate("XOAUTH2", lambda _challenge: auth_string.encode())
    else:
        imap.login(settings.user, settings.password)


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(response, doing: str):
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"could not {doing}: {data!r}")
    return data


def _ensure_folder(imap: imaplib.IMAP4, folder: str) -> bool:
    """Whether handled messages can be moved to `folder` (made now if it is missing)."""
    if not folder:
        return False
    status, data = imap.list('""', _quote(folder))
    if status == "OK" and any(item for item in data if item):
        return True
    status, _ = imap.create(_quote(folder))
    return status == "OK"


def _unhandled(imap: imaplib.IMAP4) -> list[str]:
    data = _check(
        imap.uid("SEARCH", "UNSEEN", "UNKEYWORD", HANDLED_KEYWORD),
        "search for new messages",
    )
    return data[0].decode("ascii").split() if data and data[0] else []


def _fetch(imap: imaplib.IMAP4, uid: str, max_bytes: int) -> tuple[bytes | None, int]:
    """The message's bytes (only its headers if it is too large) and its full size.

    BODY.PEEK leaves the message unread until we mark it, so a failed run changes nothing.
    """
    data = _check(imap.uid("FETCH", uid, "(RFC822.SIZE)"), "read a message's size")
    size = 0
    for item in data:
        text = item.decode() if isinstance(item, bytes) else ""
        match = re.search(r"RFC822\.SIZE (\d+)", text)
        if match:
            size = int(match.group(1))
    section = "BODY.PEEK[HEADER]" if size > max_bytes else "BODY.PEEK[]"
    data = _check(imap.uid("FETCH", uid, f"({section})"), "read a message")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1], max(size, len(item[1]))
    return None, size


def _can_move(imap: imaplib.IMAP4) -> bool:
    """Servers list more capabilities once signed in; ask again rather than trust the greeting."""
    status, data = imap.capability()
    words = (
        b" ".join(d for d in data if isinstance(d, bytes)).upper().split() if status == "OK" else []
    )
    return b"MOVE" in words or "MOVE" in imap.capabilities


def _keywords_allowed(imap: imaplib.IMAP4) -> bool:
    """Whether the selected folder keeps keywords of our own (PERMANENTFLAGS holds \\*)."""
    _, data = imap.response("PERMANENTFLAGS")
    return any(isinstance(item, bytes) and b"\\*" in item for item in data or [])


def _mark_handled(
    imap: imaplib.IMAP4, uid: str, *, folder: str, keyword: str, can_move: bool
) -> None:
    flags = f"(\\Seen {keyword})" if keyword else "(\\Seen)"
    _check(imap.uid("STORE", uid, "+FLAGS.SILENT", flags), "mark a message as handled")
    if not folder:
        return
    if can_move:
        _check(imap.uid("MOVE", uid, _quote(folder)), "move a message")
        return
    _check(imap.uid("COPY", uid, _quote(folder)), "copy a message")
    _check(imap.uid("STORE", uid, "+FLAGS.SILENT", "(\\Deleted)"), "remove a moved message")


def _log_out(imap: imaplib.IMAP4) -> None:
    with contextlib.suppress(Exception):  # nothing useful to do if saying goodbye fails
        imap.logout()
