"""Domain objects handed from services to adapters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class User:
    pk: int
    username: str
    timezone: str
    email: str | None
    api_enabled: bool
    is_admin: bool
    deadbeat: bool
    token_version: int
    default_leadtime: int
    default_alertstart: int
    default_deadline: int
    created_at: int
    updated_at: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "User":
        return cls(
            pk=row["id"],
            username=row["username"],
            timezone=row["timezone"],
            email=row["email"],
            api_enabled=bool(row["api_enabled"]),
            is_admin=bool(row["is_admin"]),
            deadbeat=bool(row["deadbeat"]),
            token_version=row["token_version"],
            default_leadtime=row["default_leadtime"],
            default_alertstart=row["default_alertstart"],
            default_deadline=row["default_deadline"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )
