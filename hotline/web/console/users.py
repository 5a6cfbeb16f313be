"""Accounts (`/users`, admins only)."""
from __future__ import annotations

from flask import Blueprint, render_template

from ... import accounts
from . import access

bp = Blueprint("users", __name__)


@bp.get("/users")
@access.requires(accounts.MANAGE_USERS)
def index():
    return render_template("console/error.html", status=501, message="users"), 501
