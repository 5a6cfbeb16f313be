"""CSV exports (`/exports/<needs|rides|volunteers|audit>.csv`)."""
from __future__ import annotations

from flask import Blueprint, abort

from ... import accounts
from . import access

bp = Blueprint("exports", __name__)


@bp.get("/exports/<kind>.csv")
@access.requires(accounts.READ)
def download(kind: str):
    abort(501)
