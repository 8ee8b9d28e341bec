"""Signing in and out (emailed links for attendees; password and a code for coordinators),
and administrators managing coordinators' accounts."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from .. import auth, clock, council
from ..extensions import db
from ..forms.auth import (
    ButtonForm,
    ChangePasswordForm,
    CodeForm,
    ConfirmItIsYouForm,
    EmailLinkForm,
    NewAccountForm,
    PasswordSignInForm,
    UseLinkForm,
)
from ..models import Role, User
from ..security import limit_link_request, limit_sign_in, limit_sign_in_link
from ..services import accounts, signin
from ..services.errors import BookingError, LinkInvalid, ValidationError

bp = Blueprint("auth", __name__)


def _errors(error: BookingError, default_field: str) -> list[dict]:
    field = getattr(error, "field", None) or default_field
    return [{"text": error.message, "href": f"#{field}"}]


def _show_at_field(form, error: BookingError, default_field: str) -> None:
    """Put a service's message on its form field, where the GOV.UK macros show it."""
    field = form[getattr(error, "field", None) or default_field]
    field.errors = [*field.errors, error.message]


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never another site) may be where sign-in leads."""
    return auth.safe_next_path(target)


# --- Attendees: emailed links --------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@limit_link_request
def attendee_sign_in():
    form = EmailLinkForm()
    # Where the link leads once used (self check-in sends people back to it), on this site only.
    after = _safe_next(request.args.get("next"))
    if form.validate_on_submit():
        site = current_app.config["SITE_URL"]
        signin.request_sign_in_link(
            form.email.data,
            link_for=lambda token: site + url_for("auth.attendee_link", token=token, next=after),
            now=clock.now(),
        )
        return redirect(url_for("auth.check_your_email"))
    return render_template("auth/attendee_sign_in.html", form=form)


@bp.get("/sign-in/check-your-email")
def check_your_email():
    return render_template("auth/check_your_email.html")


@bp.get("/sign-in/<token>")
def attendee_link(token: str):
    """Opening the link only shows a button: email scanners that open links use nothing up."""
    try:
        signin.check_sign_in_link(token, now=clock.now())
    except LinkInvalid:
        return render_template("auth/link_not_working.html"), 404
    return render_template("auth/use_link.html", form=UseLinkForm())


@bp.post("/sign-in/<token>")
@limit_sign_in_link
def use_attendee_link(token: str):
    form = UseLinkForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        person, manager = signin.use_sign_in_link_as(token, now=clock.now())
    except LinkInvalid:
        return render_template("auth/link_not_working.html"), 404
    if person is not None:
        auth.sign_in_attendee(person)
    if manager is not None:
        auth.sign_in_manager(manager)
    home = url_for("account.index" if person is not None else "managers.my_team")
    return redirect(_safe_next(request.args.get("next")) or home)


@bp.post("/sign-out")
@bp.post("/coordinator/sign-out", endpoint="coordinator_sign_out")  # the coordinator layout's
def sign_out():
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object(), now=clock.now())
    elif (person := auth.current_attendee()) is not None:
        signin.end_person_sessions(person, now=clock.now())
    provider = session.get(auth.SIGNED_IN_WITH_KEY)
    auth.end_session()
    flash("You have signed out.")
    # Signed in with a council account: end the session there too, where the provider can.
    return redirect(council.sign_out_url(provider) or url_for("courses.calendar"))


# --- Coordinators: password, then a code ---------------------------------------------------


@bp.route("/coordinator/sign-in", methods=["GET", "POST"])
@limit_sign_in
def coordinator_sign_in():
    form = PasswordSignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            # At the password, and the same whichever was wrong (we never say which).
            form.password.errors = ["The email address or password is not right"]
            return render_template("auth/coordinator_sign_in.html", form=form)
        auth.start_pending_sign_in(user, clock.now())
        session["after_sign_in"] = _safe_next(request.args.get("next"))
        if user.totp_confirmed_at is None:
            accounts.begin_second_factor_setup(user)  # here, so that no GET changes anything
            return redirect(url_for("auth.set_up_app"))
        return redirect(url_for("auth.coordinator_code"))
    return render_template("auth/coordinator_sign_in.html", form=form)


@bp.route("/coordinator/sign-in/code", methods=["GET", "POST"])
@limit_sign_in
def coordinator_code():
    user = auth.pending_user(clock.now())
    if user is None or user.totp_confirmed_at is None:
        return redirect(url_for("auth.coordinator_sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            accounts.verify_second_factor(user, form.code.data, now=clock.now())
        except BookingError as error:
            _show_at_field(form, error, "code")
            return render_template("auth/coordinator_code.html", form=form)
        next_page = session.get("after_sign_in")
        auth.start_coordinator_session(user, clock.now())
        return redirect(next_page or auth.home_for(user))
    return render_template("auth/coordinator_code.html", form=form)


@bp.route("/coordinator/sign-in/set-up-app", methods=["GET", "POST"])
@limit_sign_in
def set_up_app():
    user = auth.pending_user(clock.now())
    if user is None or user.totp_confirmed_at is not None or not user.totp_secret:
        return redirect(url_for("auth.coordinator_sign_in"))
    uri = accounts.authenticator_uri(user, current_app.config["SERVICE_NAME"])
    form = CodeForm()
    context = {"form": form, "secret": user.totp_secret, "qr_svg": accounts.qr_code_svg(uri)}
    if form.validate_on_submit():
        try:
            codes = accounts.confirm_second_factor(user, form.code.data, now=clock.now())
        except BookingError as error:
            _show_at_field(form, error, "code")
            return render_template("auth/set_up_app.html", **context)
        auth.start_coordinator_session(user, clock.now())
        return render_template("auth/recovery_codes.html", codes=codes, first_time=True)
    return render_template("auth/set_up_app.html", **context)


# --- A coordinator's own account ----------------------------------------------------------


def _my_account_page(form: ConfirmItIsYouForm):
    codes_left = accounts.recovery_codes_left(current_user)
    return render_template("auth/my_account.html", codes_left=codes_left, form=form)


@bp.get("/coordinator/account")
@auth.account_required
def my_account():
    return _my_account_page(ConfirmItIsYouForm())


@bp.post("/coordinator/account/recovery-codes")
@auth.account_required
@limit_sign_in
def new_recovery_codes():
    form = ConfirmItIsYouForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            codes = accounts.new_recovery_codes(user, form.password_or_code.data, now=clock.now())
        except ValidationError as error:
            _show_at_field(form, error, accounts.CONFIRM_FIELD)
        else:
            return render_template("auth/recovery_codes.html", codes=codes, first_time=False)
    return _my_account_page(form)


@bp.route("/coordinator/account/password", methods=["GET", "POST"])
@auth.account_required
@limit_sign_in
def change_password():
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                user, form.current_password.data, form.new_password.data, now=clock.now()
            )
        except ValidationError as error:
            _show_at_field(form, error, "new_password")
            return render_template("auth/change_password.html", form=form)
        auth.start_coordinator_session(user, clock.now())  # other sessions have ended
        flash("Your password has been changed.", "success")
        return redirect(url_for("auth.my_account"))
    return render_template("auth/change_password.html", form=form)


# --- Administrators: coordinators' accounts -------------------------------------------------


@bp.get("/coordinator/accounts")
@auth.administrator_required
def accounts_list():
    return render_template(
        "auth/accounts.html", users=accounts.list_accounts(), button=ButtonForm()
    )


@bp.route("/coordinator/accounts/new", methods=["GET", "POST"])
@auth.administrator_required
def new_account():
    form = NewAccountForm()
    if form.validate_on_submit():
        password = accounts.generate_password()
        try:
            user = accounts.create_account(
                form.email.data,
                password,
                full_name=form.full_name.data,
                role=Role(form.role.data),
                actor=current_user._get_current_object(),
                now=clock.now(),
            )
        except ValidationError as error:
            return render_template(
                "auth/new_account.html", form=form, error_list=_errors(error, "email")
            )
        return render_template("auth/account_created.html", user=user, password=password)
    return render_template("auth/new_account.html", form=form)


_ACCOUNT_ACTIONS = {
    "disable": (accounts.disable_account, "{} can no longer sign in."),
    "enable": (accounts.enable_account, "{} can sign in again."),
}


@bp.route("/coordinator/accounts/<id:user_id>/reset-app", methods=["GET", "POST"])
@auth.administrator_required
@limit_sign_in
def reset_app(user_id: int):
    """For a lost phone; the administrator gives their own password or code again first."""
    user = db.get_or_404(User, user_id)
    form = ConfirmItIsYouForm()
    if form.validate_on_submit():
        try:
            accounts.reset_second_factor(
                user,
                actor=current_user._get_current_object(),
                actor_password_or_code=form.password_or_code.data,
                now=clock.now(),
            )
        except ValidationError as error:
            _show_at_field(form, error, accounts.CONFIRM_FIELD)
        else:
            name = user.full_name or user.email
            flash(f"{name} will set up their app at next sign-in.", "success")
            return redirect(url_for("auth.accounts_list"))
    return render_template("auth/reset_app.html", form=form, user=user)


@bp.post("/coordinator/accounts/<id:user_id>/<any(disable, enable):action>")
@auth.administrator_required
def change_account(user_id: int, action: str):
    user = db.get_or_404(User, user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    change, message = _ACCOUNT_ACTIONS[action]
    try:
        change(user, actor=current_user._get_current_object(), now=clock.now())
    except BookingError as error:
        flash(error.message)
        return redirect(url_for("auth.accounts_list"))
    flash(message.format(user.full_name or user.email), "success")
    return redirect(url_for("auth.accounts_list"))
