"""Accounts: creating users, validating names and timezones, passwords, the API switch."""

from __future__ import annotations

import re
import zoneinfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError

from brickroad.errors import Conflict, Invalid, NotFound
from brickroad.services import goals as goal_service
from brickroad.services import quotas, sessions
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.services.tokens import issued_token, token_hash
from brickroad.store import users as user_rows

USERNAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
# `me` is the API's alias for the token owner; the others are top-level web
# paths that would otherwise shadow /{username}/{slug} pages.
RESERVED_USERNAMES = frozenset(
    {"me", "api", "apps", "oauth", "graphs", "static", "login", "logout", "signup", "settings", "healthz", "users"}
)
MIN_PASSWORD = 8
MAX_PASSWORD = 1024

_hasher = PasswordHasher()


def validate_username(username: str) -> None:
    if not USERNAME_RE.fullmatch(username or ""):
        raise Invalid(
            "username",
            "must start with a letter and contain only letters, digits and underscores (at most 32 characters)",
        )
    if username.lower() in RESERVED_USERNAMES:
        raise Invalid("username", f"'{username}' is reserved")


def validate_timezone(tz: str) -> None:
    if not tz or len(tz) > 64 or tz.startswith(("/", ".")) or ".." in tz:
        raise Invalid("timezone", f"'{tz}' is not a known IANA timezone")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Invalid("timezone", f"'{tz}' is not a known IANA timezone") from None


def validate_password(password: str) -> None:
    if not (MIN_PASSWORD <= len(password) <= MAX_PASSWORD):
        raise Invalid("password", f"must be between {MIN_PASSWORD} and {MAX_PASSWORD} characters")


def create_user(
    ctx: Context,
    username: str,
    timezone: str = "America/New_York",
    password: str | None = None,
    email: str | None = None,
    is_admin: bool = False,
) -> User:
    validate_username(username)
    validate_timezone(timezone)
    if password is not None:
        validate_password(password)
    pw_hash = _hasher.hash(password) if password is not None else None
    now = ctx.clock.now()
    try:
        with ctx.db.write() as conn:
            if user_rows.by_username(conn, username) is not None:
                raise Conflict("username", "has already been taken")
            pk = user_rows.insert_user(
                conn,
                username=username,
                email=email,
                timezone=timezone,
                password_hash=pw_hash,
                token_version=1,
                api_enabled=True,
                is_admin=is_admin,
                deadbeat=False,
                default_leadtime=0,
                default_alertstart=34200,
                default_deadline=0,
                created_at=now,
                updated_at=now,
            )
            user_rows.update_user(conn, pk, token_hash=token_hash(issued_token(ctx.settings, pk, 1)))
            row = user_rows.by_id(conn, pk)
    except IntegrityError:
        # A concurrent sign-up won the race for this name.
        raise Conflict("username", "has already been taken") from None
    assert row is not None
    return User.from_row(row)


def get_user(ctx: Context, username: str) -> User:
    with ctx.db.read() as conn:
        row = user_rows.by_username(conn, username)
    if row is None:
        raise NotFound()
    return User.from_row(row)


def get_user_by_pk(ctx: Context, pk: int) -> User:
    with ctx.db.read() as conn:
        row = user_rows.by_id(conn, pk)
    if row is None:
        raise NotFound()
    return User.from_row(row)


def user_count(ctx: Context) -> int:
    with ctx.db.read() as conn:
        return user_rows.count(conn)


def check_password(ctx: Context, username: str, password: str) -> User | None:
    """The user if the password is right; None otherwise, without saying which part was wrong."""
    with ctx.db.read() as conn:
        row = user_rows.by_username(conn, username)
    if row is None or not row["password_hash"]:
        _hasher.hash(password)  # spend the same time as a real check
        return None
    try:
        _hasher.verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    return User.from_row(row)


def set_password(ctx: Context, user: User, password: str) -> None:
    """Set the password and end every web session (a browser that should stay logged in starts a new one)."""
    validate_password(password)
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        user_rows.update_user(conn, user.pk, password_hash=_hasher.hash(password), updated_at=now)
        sessions.end_others(conn, user, now)


def set_api_enabled(ctx: Context, user: User, enabled: bool) -> None:
    """Switch API calls; switching them off also ends the web sessions the personal token started."""
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        user_rows.update_user(conn, user.pk, api_enabled=enabled, updated_at=now)
        if not enabled:
            sessions.end_others(conn, user, now, via=sessions.TOKEN)


DEADLINE_RANGE = (-61200, 21600)  # 7am the day before .. 6am, as Beeminder allows


def update_settings(
    ctx: Context,
    user: User,
    *,
    timezone: str | None = None,
    default_leadtime: int | None = None,
    default_alertstart: int | None = None,
    default_deadline: int | None = None,
) -> User:
    """PUT /users/{u}: the timezone and the reminder defaults; the goals they affect follow at once.

    A new timezone recomputes every active goal (losedates move to the new
    zone's deadline); goals with `use_defaults` take new default_deadline,
    default_leadtime and default_alertstart values (goals.follow_user_settings).
    """
    values: dict[str, object] = {}
    errors: dict[str, list[str]] = {}
    if timezone is not None:
        try:
            validate_timezone(timezone)
            values["timezone"] = timezone
        except Invalid as exc:
            errors.update(exc.fields)
    if default_leadtime is not None:
        if not 0 <= default_leadtime <= 30:
            errors["default_leadtime"] = ["must be between 0 and 30 days"]
        values["default_leadtime"] = default_leadtime
    if default_alertstart is not None:
        if not 0 <= default_alertstart < 86400:
            errors["default_alertstart"] = ["must be seconds after midnight (0 to 86399)"]
        values["default_alertstart"] = default_alertstart
    if default_deadline is not None:
        lo, hi = DEADLINE_RANGE
        if not lo <= default_deadline <= hi:
            errors["default_deadline"] = [f"must be between {lo} and {hi} seconds from midnight"]
        values["default_deadline"] = default_deadline
    if errors:
        raise Invalid(errors)
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        before = user_rows.by_id(conn, user.pk)
        if values:
            user_rows.update_user(conn, user.pk, updated_at=now, **values)
        row = user_rows.by_id(conn, user.pk)
        assert before is not None and row is not None
        updated = User.from_row(row)
        # In the same transaction: no read may see the new zone or defaults with goals computed for the old.
        goal_service.follow_user_settings(conn, User.from_row(before), updated, now)
    if updated.timezone != before["timezone"] and ctx.settings.quotas_enabled:
        quotas.for_context(ctx).follow_timezone(user, before["timezone"], updated.timezone)
    return updated
