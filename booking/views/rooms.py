"""The coordinators' pages for each venue's rooms: add, change, archive and restore."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import clock
from ..auth import coordinator_required
from ..extensions import db
from ..forms.courses import ConfirmForm, RoomForm
from ..forms.fields import add_problems
from ..models import Room, Venue
from ..services import rooms as room_service
from ..services.errors import BookingError, Problems

bp = Blueprint("rooms", __name__, url_prefix="/coordinator/venues/<id:venue_id>/rooms")


def _room(venue_id: int, room_id: int) -> Room:
    room = db.get_or_404(Room, room_id)
    if room.venue_id != venue_id:
        abort(404)
    return room


@bp.get("")
@coordinator_required
def index(venue_id: int):
    venue = db.get_or_404(Venue, venue_id)
    return render_template(
        "coordinator/rooms.html",
        venue=venue,
        rooms=room_service.rooms_at(venue, include_archived=True),
        confirm=ConfirmForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def new(venue_id: int):
    venue = db.get_or_404(Venue, venue_id)
    form = RoomForm()
    if form.validate_on_submit():
        try:
            room_service.create_room(venue, form.details(), actor=current_user, now=clock.now())
            flash("Room added.", "success")
            return redirect(url_for("rooms.index", venue_id=venue.id))
        except Problems as problems:
            add_problems(form, problems.problems)
    return render_template("coordinator/room_form.html", form=form, venue=venue, room=None)


@bp.route("/<id:room_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(venue_id: int, room_id: int):
    room = _room(venue_id, room_id)
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        try:
            room_service.update_room(room, form.details(), actor=current_user, now=clock.now())
            flash("Room saved.", "success")
            return redirect(url_for("rooms.index", venue_id=venue_id))
        except Problems as problems:
            add_problems(form, problems.problems)
    return render_template("coordinator/room_form.html", form=form, venue=room.venue, room=room)


@bp.post("/<id:room_id>/archive")
@coordinator_required
def archive(venue_id: int, room_id: int):
    return _act(venue_id, room_id, room_service.archive_room, "Room archived.")


@bp.post("/<id:room_id>/restore")
@coordinator_required
def restore(venue_id: int, room_id: int):
    return _act(venue_id, room_id, room_service.restore_room, "Room restored.")


def _act(venue_id: int, room_id: int, action, message: str):
    room = _room(venue_id, room_id)
    if ConfirmForm().validate_on_submit():
        try:
            action(room, actor=current_user, now=clock.now())
            flash(message, "success")
        except BookingError as error:
            flash(error.message, "error")
    return redirect(url_for("rooms.index", venue_id=venue_id))
