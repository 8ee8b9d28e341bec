"""A real OpenID Connect provider on loopback, for the council sign-in tests.

It serves what Microsoft Entra ID serves under `https://login.microsoftonline.com/<tenant>/v2.0`:
discovery, a sign-in page, the token endpoint (authorisation code flow, PKCE required),
its published keys and sign-out. ID tokens are signed with an RSA key it makes itself
(joserfc), so a test can also make it answer wrongly on purpose:

    provider.next_token_changes = {"iss": "https://someone.else"}   # or "aud", "exp", "nonce"
    provider.next_token_changes = {"_sign_with_unpublished_key": True}

Our app talks to it over HTTP with its real client; the test plays the browser.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcProvider:
    """One provider ("tenant"). `start()` serves it on 127.0.0.1; `issuer` is its address."""

    def __init__(self, tenant: str, *, client_id: str = "booking-app", client_secret="s3cret"):
        self.tenant = tenant
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris: set[str] = set()
        self.key = RSAKey.generate_key(2048, parameters={"kid": f"{tenant}-key", "use": "sig"})
        #: Signs tokens but is never published: a token signed with it has a bad signature.
        self.unpublished_key = RSAKey.generate_key(2048, parameters={"kid": f"{tenant}-key"})
        self.users: dict[str, dict] = {}
        self.codes: dict[str, dict] = {}
        self.next_token_changes: dict = {}
        #: What discovery says differently (say {"issuer": ...}); "odd" answers with HTML.
        self.discovery_changes: dict = {}
        self.odd = False
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.sign_outs: list[dict] = []
        self._lock = threading.Lock()
        self._server = None
        self._thread = None
        self.port = None
        self.app = self._build()

    # --- running ---------------------------------------------------------------------------

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.base}/{self.tenant}/v2.0"

    def start(self, port: int = 0) -> OidcProvider:
        self._server = make_server(
            "127.0.0.1", port, self.app, threaded=True, request_handler=_QuietHandler
        )
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering (the port is closed: "the provider is down")."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def reset(self) -> None:
        with self._lock:
            self.users.clear()
            self.codes.clear()
            self.next_token_changes = {}
            self.discovery_changes = {}
            self.odd = False
            self.authorize_requests.clear()
            self.token_requests.clear()
            self.sign_outs.clear()

    def add_user(self, login: str, **claims) -> dict:
        """Someone who can sign in here; `claims` go into their ID token (sub, email ...)."""
        claims.setdefault("sub", secrets.token_urlsafe(16))
        self.users[login] = claims
        return claims

    def provider_settings(self, **overrides) -> dict:
        """This provider as one entry of our app's OIDC_PROVIDERS setting."""
        return {
            "name": self.tenant,
            "issuer": self.issuer,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "label": f"{self.tenant.title()} Council account",
            "domains": [f"{self.tenant}.gov.uk"],
            "council": True,
            "trust_domain_email": False,
            "mfa_values": ["mfa"],
            **overrides,
        }

    # --- the provider ----------------------------------------------------------------------

    def _build(self) -> Flask:
        app = Flask(f"provider-{self.tenant}")
        prefix = f"/{self.tenant}/v2.0"
        app.add_url_rule(f"{prefix}/.well-known/openid-configuration", "discovery", self._discovery)
        app.add_url_rule(
            f"{prefix}/authorize", "authorize", self._authorize, methods=["GET", "POST"]
        )
        app.add_url_rule(f"{prefix}/token", "token", self._token, methods=["POST"])
        app.add_url_rule(f"{prefix}/keys", "keys", self._keys)
        app.add_url_rule(f"{prefix}/logout", "logout", self._logout)
        return app

    def _discovery(self):
        if self.odd:
            return "<html><body>Service unavailable</body></html>", 200
        prefix = f"{self.issuer}"
        document = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{prefix}/authorize",
            "token_endpoint": f"{prefix}/token",
            "jwks_uri": f"{prefix}/keys",
            "end_session_endpoint": f"{prefix}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
            **self.discovery_changes,
        }
        return jsonify(document)

    def _keys(self):
        return jsonify(KeySet([self.key]).as_dict(private=False))

    def _authorize(self):
        args = request.args
        self.authorize_requests.append(dict(args))
        if (
            args.get("client_id") != self.client_id
            or args.get("redirect_uri") not in self.redirect_uris
            or args.get("response_type") != "code"
            or "openid" not in (args.get("scope") or "").split()
            or args.get("code_challenge_method") != "S256"
            or not args.get("code_challenge")
        ):
            abort(400)
        if request.method == "GET":
            return self._sign_in_page()
        login = request.form.get("username", "")
        if login not in self.users:
            return self._sign_in_page(problem="We do not know that username."), 200
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.codes[code] = {
                "login": login,
                "client_id": args["client_id"],
                "redirect_uri": args["redirect_uri"],
                "nonce": args.get("nonce"),
                "code_challenge": args["code_challenge"],
            }
        back = {"code": code}
        if args.get("state"):
            back["state"] = args["state"]
        return redirect(f"{args['redirect_uri']}?{urlencode(back)}")

    def _sign_in_page(self, problem: str = ""):
        name = html.escape(self.tenant.title())
        note = f'<p role="alert">{html.escape(problem)}</p>' if problem else ""
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Sign in to {name} Council</title></head><body><main>"
            f"<h1>Sign in to {name} Council</h1>{note}"
            '<form method="post"><label for="username">Username</label> '
            '<input id="username" name="username" autocomplete="username"> '
            '<button type="submit">Sign in</button></form></main></body></html>'
        )

    def _client_authenticated(self) -> bool:
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            return auth.username == self.client_id and auth.password == self.client_secret
        return (
            request.form.get("client_id") == self.client_id
            and request.form.get("client_secret") == self.client_secret
        )

    def _token(self):
        form = request.form
        self.token_requests.append(dict(form))
        if not self._client_authenticated():
            return jsonify(error="invalid_client"), 401
        with self._lock:
            grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant["redirect_uri"] != form.get("redirect_uri")
            or _s256(form.get("code_verifier", "")) != grant["code_challenge"]
        ):
            return jsonify(error="invalid_grant"), 400
        access_token = secrets.token_urlsafe(24)
        return jsonify(
            access_token=access_token,
            token_type="Bearer",
            expires_in=300,
            scope="openid email profile",
            id_token=self._id_token(grant),
        )

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            **({"nonce": grant["nonce"]} if grant["nonce"] else {}),
            **self.users[grant["login"]],
        }
        changes, self.next_token_changes = self.next_token_changes, {}
        key = self.unpublished_key if changes.pop("_sign_with_unpublished_key", False) else self.key
        for name, value in changes.items():
            if value is None:
                claims.pop(name, None)
            elif name in ("exp", "iat", "nbf") and isinstance(value, int) and value < 10**9:
                claims[name] = now + value  # seconds from now (negative: in the past)
            else:
                claims[name] = value
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def _logout(self):
        self.sign_outs.append(dict(request.args))
        back = request.args.get("post_logout_redirect_uri")
        if back:
            state = request.args.get("state")
            return redirect(back + (f"?{urlencode({'state': state})}" if state else ""))
        return "You have signed out.", 200
