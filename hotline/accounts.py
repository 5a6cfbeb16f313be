"""Console accounts: who may sign in, with which role, and how failed sign-ins are slowed and locked out.

Passwords are hashed with scrypt (memory-hard), through werkzeug, which Flask already brings.
"""
from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .config import Settings
from .db import insert_ignore
from .models import LoginThrottle, SetupToken, User
from .phones import normalize

ADMIN = "admin"
COORDINATOR = "coordinator"
VIEWER = "viewer"
ROLES = (ADMIN, COORDINATOR, VIEWER)

# What each role may do. A viewer reads, with numbers and addresses masked.
READ = "read"
ACT = "act"  # move needs, rides and volunteers; write to residents
REVEAL = "reveal"  # see one resident's number, each time audited
MANAGE_USERS = "manage_users"
EXPORT_FULL = "export_full"  # exports with numbers and addresses
FORGET = "forget"  # erase everything held about a person, with a reason (audited)
RAISE_BUDGET = "raise_budget"  # raise a spending budget for the current day or month (audited)
PERMISSIONS = {
    VIEWER: frozenset({READ}),
    COORDINATOR: frozenset({READ, ACT, REVEAL}),
    ADMIN: frozenset({READ, ACT, REVEAL, MANAGE_USERS, EXPORT_FULL, FORGET, RAISE_BUDGET}),
}

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$")
# Failures before each further one makes the next attempt wait (1 s, 2 s, 4 s, ...).
FREE_FAILURES = 3
SETUP_HOURS = 24
# Checked against when the email is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


class AccountError(ValueError):
    """An account cannot be made or changed as asked; `code` says why, the message in words."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def can(user: User | None, permission: str) -> bool:
    return user is not None and user.active and permission in PERMISSIONS.get(user.role, frozenset())


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("short", f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError("long", "that password is too long")


def find(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == normalize_email(email))).one_or_none()


def create(session: Session, email: str, password: str, role: str, *, language: str = "") -> User:
    """Add an account; the email is its name, the password is kept only as a hash."""
    email = normalize_email(email)
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError("email", f"{email!r} is not an email address")
    if role not in ROLES:
        raise AccountError("role", f"the role is one of {', '.join(ROLES)}")
    check_password(password)
    if find(session, email) is not None:
        raise AccountError("exists", f"{email} already has an account")
    user = User(email=email, password_hash=generate_password_hash(password), role=role, active=True,
                language=language)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    check_password(password)
    user.password_hash = generate_password_hash(password)
    user.session_version += 1


def set_phone(user: User, raw: str, region: str) -> str | None:
    """Keep the account's own phone (E.164), or forget it when `raw` is empty; return the number kept."""
    raw = (raw or "").strip()
    if not raw:
        user.phone = None
        return None
    number = normalize(raw[:64], region) if len(raw) <= 64 else None
    if number is None:
        raise AccountError("phone", "that is not a phone number the hotline can call; write it as +16175550100")
    user.phone = number
    return number


def disable(user: User) -> None:
    """Sign the account out everywhere and refuse it from now on."""
    user.active = False
    user.session_version += 1


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to take away the last active admin: nobody could manage accounts from the console then."""
    # Every active admin row is locked, in one order, so two admins removing each other at once
    # cannot both succeed: the second sees the first's change once it may go on.
    admins = session.scalars(select(User).where(User.role == ADMIN, User.active.is_(True))
                             .order_by(User.id).with_for_update()).all()
    if not any(admin.id != user.id for admin in admins):
        raise AccountError("last_admin", "the hotline needs at least one active admin")


def change_role(session: Session, user: User, role: str, *, by: User | None = None) -> str:
    """Give an account another role; return the role it had. Nobody changes their own."""
    if role not in ROLES:
        raise AccountError("role", f"the role is one of {', '.join(ROLES)}")
    if by is not None and by.id == user.id:
        raise AccountError("self", "an account's own role is changed by another admin")
    was = user.role
    if was == role:
        raise AccountError("same", f"{user.email} is already {role}")
    if was == ADMIN and user.active:
        _keep_an_admin(session, user)
    user.role = role
    return was


def deactivate(session: Session, user: User, *, by: User | None = None) -> None:
    """Disable an account as an admin asks: never their own, never the last active admin."""
    if by is not None and by.id == user.id:
        raise AccountError("self", "an admin cannot disable their own account")
    if not user.active:
        raise AccountError("inactive", f"{user.email} is already disabled")
    if user.role == ADMIN:
        _keep_an_admin(session, user)
    disable(user)


def enable(user: User) -> None:
    """Let a disabled account sign in again (with the password it had)."""
    user.active = True


def count(session: Session) -> int:
    return session.scalar(select(func.count(User.id))) or 0


def active_admins(session: Session) -> int:
    """How many accounts may manage the others (and raise budgets) from the console."""
    return session.scalar(select(func.count(User.id)).where(User.role == ADMIN, User.active.is_(True))) or 0


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


# -- signing in ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignIn:
    user: User | None = None
    # Set when the account or the address must wait: until when.
    locked_until: datetime | None = None


def _throttle(session: Session, key: str) -> LoginThrottle | None:
    return session.scalars(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()).one_or_none()


def _locked(row: LoginThrottle | None, now: datetime) -> datetime | None:
    return row.locked_until if row is not None and row.locked_until and row.locked_until > now else None


def _fail(session: Session, key: str, limit: int, window: timedelta, now: datetime) -> None:
    insert_ignore(session, LoginThrottle, {"key": key, "failures": 0, "first_failure_at": now}, ["key"])
    row = _throttle(session, key)
    if now - row.first_failure_at > window:
        row.failures, row.first_failure_at, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + window
    elif row.failures > FREE_FAILURES:
        # Slowed: each failure past the free ones doubles the wait before the next attempt.
        row.locked_until = now + timedelta(seconds=2 ** (row.failures - FREE_FAILURES - 1))


def address_key(address: str) -> str:
    """Whose failures an address counts toward: the address, or its /64 for IPv6 (one household or
    one attacker holds a whole /64, and could otherwise take a fresh address for every try)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"address:{address[:64]}"
    if ip.version == 6:
        return f"address:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"address:{ip}"


def sign_in(reader: Session, writer: Session, settings: Settings, email: str, password: str, address: str,
            now: datetime) -> SignIn:
    """Check a sign-in; count failures per account and per address, and refuse while either is locked.

    The slow password check reads through `reader`, holding no write lock (SQLite would keep every
    webhook waiting behind it); only then does `writer` count the failure or clear the count.
    """
    email = normalize_email(email)[:254]
    account_key, by_address = f"account:{email}", address_key(address)
    locked = max(filter(None, (_locked(_peek(reader, account_key), now),
                                _locked(_peek(reader, by_address), now))), default=None)
    if locked is not None:
        return SignIn(locked_until=locked)
    found = find(reader, email)
    valid = check_password_hash(found.password_hash if found else _DUMMY_HASH, password[:MAX_PASSWORD])
    if found is None or not valid or not found.active:
        window = timedelta(minutes=settings.login_lock_minutes)
        _fail(writer, account_key, settings.login_max_failures, window, now)
        _fail(writer, by_address, settings.login_address_max_failures, window, now)
        return SignIn()
    row = _throttle(writer, account_key)
    if row is not None:
        writer.delete(row)
    user = writer.get(User, found.id)
    user.last_login_at = now
    return SignIn(user=user)


def _peek(session: Session, key: str) -> LoginThrottle | None:
    return session.get(LoginThrottle, key)


# -- the first admin -------------------------------------------------------------------------

def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_setup_token(session: Session, now: datetime) -> str | None:
    """A one-time token that creates the first admin, while there is no account at all."""
    if count(session) > 0:
        return None
    token = secrets.token_urlsafe(32)
    session.add(SetupToken(token_hash=_hash_token(token), created_at=now, expires_at=now + timedelta(hours=SETUP_HOURS)))
    return token


def setup_token_valid(session: Session, token: str, now: datetime) -> SetupToken | None:
    row = session.scalars(select(SetupToken).where(SetupToken.token_hash == _hash_token(token or ""))
                          .with_for_update()).one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= now or count(session) > 0:
        return None
    return row


def use_setup_token(session: Session, token: str, email: str, password: str, now: datetime) -> User:
    """Create the first admin with a setup token; the token, and every other, stops working."""
    row = setup_token_valid(session, token, now)
    if row is None:
        raise AccountError("expired", "this setup link has expired or been used")
    user = create(session, email, password, ADMIN)
    for other in session.scalars(select(SetupToken).where(SetupToken.used_at.is_(None))):
        other.used_at = now
    return user
