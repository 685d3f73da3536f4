"""The hub's JSON API for stations (FastAPI), and the one address `hub serve` answers on.

Routes are plain `def` (FastAPI runs them in its thread pool) on the synchronous session;
only reading the body is async, because the signature covers the exact bytes received.
Every error is JSON: {"error": code, "message": ..., "hint": ...} with the right status.

`create_app(hub)` sends the stations' four endpoints to this API and everything else to the
district's pages (hub/pages/), so the stations' requests skip the pages' cookies, CSRF and
templates, and the pages keep their own error pages.
"""

from __future__ import annotations

import logging

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from broadcaster.errors import BroadcasterError, StoreError
from broadcaster.hub import station_api
from broadcaster.hub.auth import HubAPIError, SignedRequest
from broadcaster.hub.service import Hub
from broadcaster.hublink import protocol
from broadcaster.i18n import _

log = logging.getLogger(__name__)


async def signed_request(request: Request) -> SignedRequest:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > protocol.MAX_BODY_BYTES:
        raise HubAPIError(413, "too_large", _("The request is larger than the hub accepts."))
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > protocol.MAX_BODY_BYTES:
            raise HubAPIError(413, "too_large", _("The request is larger than the hub accepts."))
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return SignedRequest(request.headers.get("authorization"), request.method, target, bytes(body))


def create_station_api(hub: Hub) -> FastAPI:
    app = FastAPI(title="broadcaster district hub", docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(HubAPIError)
    def _api_error(_request: Request, exc: HubAPIError) -> JSONResponse:
        return JSONResponse(exc.to_json(), status_code=exc.status)

    @app.exception_handler(StoreError)
    def _store_error(_request: Request, exc: StoreError) -> JSONResponse:
        log.error("hub database: %s", exc)
        body = {"error": "unavailable", "message": _("The hub cannot reach its database; try again later.")}
        return JSONResponse(body, status_code=503)

    @app.exception_handler(BroadcasterError)
    def _broadcaster_error(_request: Request, exc: BroadcasterError) -> JSONResponse:
        log.error("hub: %s", exc)
        return JSONResponse({"error": "hub_error", "message": exc.message}, status_code=500)

    @app.exception_handler(RequestValidationError)
    def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": "bad_request", "message": str(exc.errors()[:3])}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = _("There is no such address at the hub.") if exc.status_code == 404 else str(exc.detail)
        return JSONResponse({"error": "http", "message": message}, status_code=exc.status_code)

    @app.get(protocol.PATH_HUB)
    def hub_key() -> JSONResponse:
        return JSONResponse(station_api.hub_info(hub))

    @app.post(protocol.PATH_EXCHANGE)
    def exchange(request: SignedRequest = Depends(signed_request)) -> JSONResponse:  # noqa: B008
        return JSONResponse(station_api.exchange(hub, request))

    @app.post(protocol.PATH_RECORDS)
    def records(request: SignedRequest = Depends(signed_request)) -> JSONResponse:  # noqa: B008
        return JSONResponse(station_api.records(hub, request))

    @app.get(protocol.PATH_AUDIO)
    def audio(sha256: str, request: SignedRequest = Depends(signed_request)) -> Response:  # noqa: B008
        return Response(station_api.audio(hub, request, sha256), media_type="application/octet-stream")

    return app


# The pages' own JSON routes (logging in from a script); every other /api/ address is the stations'.
PAGES_API = frozenset({"/api/v1/login", "/api/v1/logout", "/api/v1/me"})


class HubApp:
    """The stations' API and the district's pages behind one address: /api/… (but the pages' login)
    goes to the stations' API, whose errors are the JSON a station understands; the rest to the pages."""

    def __init__(self, stations: ASGIApp, pages: ASGIApp) -> None:
        self.stations = stations
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(protocol.API + "/") and path not in PAGES_API:
            await self.stations(scope, receive, send)
        else:
            await self.pages(scope, receive, send)  # the pages, and the server's lifespan events


def create_app(hub: Hub) -> HubApp:
    from broadcaster.hub.pages.app import create_pages_app

    return HubApp(create_station_api(hub), create_pages_app(hub))


def serve(hub: Hub, host: str, port: int) -> None:
    """Run the API and the pages until interrupted (one process; uvicorn's thread pool serves stations
    in parallel)."""
    import uvicorn

    hub.ready()
    # A missing or unreadable key must stop the start, not the first station's sync.
    log.info("hub key fingerprint %s", hub.fingerprint)
    uvicorn.run(create_app(hub), host=host, port=port, log_level="info", access_log=False)
