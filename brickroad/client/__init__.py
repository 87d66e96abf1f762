"""A client for the Beeminder API v1, for beeminder.com or any compatible server.

Imports nothing else of brickroad, so it can be vendored or published alone.
"""

from brickroad.client.aio import AsyncClient
from brickroad.client.errors import (
    ApiError,
    AuthError,
    BeeminderError,
    ConnectionFailed,
    Forbidden,
    NotFound,
    PartialFailure,
    RateLimited,
    ServerError,
    UnexpectedResponse,
    ValidationError,
)
from brickroad.client.models import CallResult, Charge, Contract, Datapoint, Goal, NewDatapoint, PointStatus, User
from brickroad.client.sync import Client
from brickroad.client.transport import DEFAULT_BASE_URL, normalize_base_url

__all__ = [
    "DEFAULT_BASE_URL",
    "ApiError",
    "AsyncClient",
    "AuthError",
    "BeeminderError",
    "CallResult",
    "Charge",
    "Client",
    "ConnectionFailed",
    "Contract",
    "Datapoint",
    "Forbidden",
    "Goal",
    "NewDatapoint",
    "NotFound",
    "PartialFailure",
    "PointStatus",
    "RateLimited",
    "ServerError",
    "UnexpectedResponse",
    "User",
    "ValidationError",
    "normalize_base_url",
]
