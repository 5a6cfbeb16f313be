"""Volunteers (`/volunteers`): sign-ups to approve, the roster, edits, pauses, a CSV upload."""
from __future__ import annotations

from flask import Blueprint, render_template

from ... import accounts
from . import access

bp = Blueprint("volunteers", __name__)


@bp.get("/volunteers")
@access.requires(accounts.READ)
def index():
    return render_template("console/error.html", status=501, message="volunteers"), 501
