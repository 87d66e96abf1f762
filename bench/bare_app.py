"""The reference: a bare Starlette JSON endpoint, served by the same uvicorn as brickroad."""

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

PAYLOAD = {
    "username": "bench", "timezone": "America/New_York", "goals": [], "created_at": 1795435200,
    "updated_at": 1795435200, "urgency_load": 0, "deadbeat": False, "id": "000000000000000000000001",
}


async def user(_request):  # type: ignore[no-untyped-def]
    return JSONResponse(PAYLOAD)


app = Starlette(routes=[Route("/user", user)])
