"""GET /graphs/{user}+{slug}.png | .svg | -thumb.png: the goal graph URLs the API hands out.

Public like Beeminder's graph_url (secret goals answer 404). Images are
cached on disk by brickroad.services.graph_images; a miss renders inline in a
worker thread (tens of milliseconds).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from brickroad.errors import NotFound
from brickroad.services import graph_images
from brickroad.services.context import Context


IMAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                 "X-Content-Type-Options": "nosniff"}


async def graph_image(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    try:
        user, slug, kind = graph_images.parse_name(request.path_params["name"])
        img = await run_in_threadpool(graph_images.image, ctx, user, slug, kind)
    except NotFound:
        return Response("Not found", status_code=404, media_type="text/plain")
    # An SVG opened on its own is a document: no script may run in it, whatever a title holds.
    headers = {"ETag": f'"{img.etag}"', "Cache-Control": "public, max-age=60", **IMAGE_HEADERS}
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    return Response(img.body, media_type=img.media_type, headers=headers)


def graph_routes() -> list[BaseRoute]:
    from brickroad.jobs import graph_render

    graph_render.install()  # the sweeper in this process renders queued graphs too
    return [Route("/graphs/{name}", graph_image, methods=["GET", "HEAD"])]
