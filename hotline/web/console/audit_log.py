"""The audit log (`/audit`)."""
from __future__ import annotations

from flask import Blueprint, render_template

from ... import accounts
from . import access

bp = Blueprint("audit_log", __name__)


@bp.get("/audit")
@access.requires(accounts.READ)
def index():
    return render_template("console/error.html", status=501, message="audit"), 501
