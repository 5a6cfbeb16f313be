"""Settings read from the environment, with documented defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    """Every setting the hotline reads; each field's env var is its upper-case name."""

    database_url: str = ""
    redis_url: str = ""
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_phone_number: str = ""
    twilio_messaging_service_sid: str = ""
    twilio_api_base_url: str = "https://api.twilio.com"
    public_url: str = "http://localhost:5000"
    hotline_timezone: str = "UTC"
    secret_key: str = ""
    instance_path: str = str(PROJECT_ROOT / "instance")
    locales_dir: str = str(PROJECT_ROOT / "locales")
    default_language: str = "en"
    # Region used to read numbers written without a country code.
    default_region: str = "US"
    # A conversation quiet for this long starts over instead of resuming.
    idle_reset_hours: float = 24.0
    emergency_number: str = "911"
    # How far ahead a ride may be booked; a later time gets a kind question instead.
    ride_horizon_days: int = 60
    max_request_bytes: int = 64 * 1024

    @classmethod
    def from_env(cls, overrides: dict[str, Any] | None = None, environ=None) -> "Settings":
        """Build settings from the environment, then apply explicit overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f.name.upper())
            if raw is None or raw == "":
                continue
            kind = type(f.default)
            if kind is bool:
                values[f.name] = _bool(raw)
            elif kind is int:
                values[f.name] = int(raw)
            elif kind is float:
                values[f.name] = float(raw)
            elif kind is list:
                values[f.name] = _list(raw)
            else:
                values[f.name] = raw
        for key, value in (overrides or {}).items():
            values[key.lower()] = value
        settings = cls(**values)
        if not settings.database_url:
            path = Path(settings.instance_path) / "hotline.db"
            settings = replace(settings, database_url=f"sqlite:///{path}")
        return settings

    @property
    def twilio_configured(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)
