"""Phone numbers: reading them, masking them for logs, knowing when one can be answered."""
from __future__ import annotations

import phonenumbers

# What Twilio sends in From when the caller hides their number.
BLOCKED_CALLER_IDS = {"+266696687", "anonymous", "restricted", "unknown", "private", "+7378742833", "+2562533"}


def normalize(raw: str, region: str = "US") -> str | None:
    """Return the number in E.164 form, or None when it is not a phone number one can text."""
    raw = (raw or "").strip()
    if not raw or raw.lower() in BLOCKED_CALLER_IDS or raw in BLOCKED_CALLER_IDS:
        return None
    # Short codes and alphanumeric senders are not people; they cannot be answered.
    if not any(ch.isdigit() for ch in raw) or any(ch.isalpha() for ch in raw):
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    # Short codes (5-6 digits) are not possible numbers, so they end here too.
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask(phone: str | None) -> str:
    """Mask a number for logs, keeping only its last four digits."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if len(digits) <= 4:
        return "***" if digits else "(none)"
    return "***" + digits[-4:]
