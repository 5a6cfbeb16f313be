"""Rides (`/rides`): the day and week board of booked rides."""
from __future__ import annotations

from flask import Blueprint, render_template

from ... import accounts
from . import access

bp = Blueprint("rides", __name__)


@bp.get("/rides")
@access.requires(accounts.READ)
def board():
    return render_template("console/error.html", status=501, message="rides"), 501
