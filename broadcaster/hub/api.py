"""The hub's JSON API for stations (FastAPI), and the one address `hub serve` answers on.

Routes are plain `def` (FastAPI runs them in its thread pool) on the synchronous session;
only reading the body is async, because the signature covers the exact bytes received.
Every error is JSON: {"error": code, "message": ..., "hint": ...} with the right status.

`create_app(hub)` sends the stations' endpoints to this API and everything else to the
district's pages (hub/pages/), so the stations' requests skip the pages' cookies, CSRF and
templates, and the pages keep their own error pages. The two POSTs every sync makes (records,
exchange) skip FastAPI too (`StationPosts`): pushes go to the process's group writer
(intake.py), exchanges to the thread pool, with the same JSON answers and errors.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from broadcaster.errors import BroadcasterError, ConfigError, StoreError
from broadcaster.hub import station_api
from broadcaster.hub.auth import HubAPIError, SignedRequest
from broadcaster.hub.intake import Intake
from broadcaster.hub.service import Hub
from broadcaster.hub.settings import ENV_CONFIG, ENV_DATABASE, ENV_KEY, HubSettings
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
    def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            message = _("There is no such address at the hub.")
        elif exc.status_code == 405:
            message = _(
                "This address of the hub does not take {method} requests; the stations' API is in docs/hub.md, "
                "section 8."
            ).format(method=request.method)
        else:
            message = str(exc.detail)
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
    goes to the stations' API, whose errors are the JSON a station understands; the rest to the pages.

    A station's pushes and exchanges, the bulk of a province's traffic, are answered here directly
    (`StationPosts`): they are authenticated by their signature, so they need none of the pages'
    cookies, CSRF and templates, nor the framework's routing and validation."""

    def __init__(self, stations: ASGIApp, pages: ASGIApp, posts: StationPosts | None = None) -> None:
        self.stations = stations
        self.pages = pages
        self.posts = posts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(protocol.API + "/") and path not in PAGES_API:
            if self.posts is not None and scope["method"] == "POST" and path in StationPosts.PATHS:
                await self.posts(scope, receive, send)
            else:
                await self.stations(scope, receive, send)
        else:
            await self.pages(scope, receive, send)  # the pages, and the server's lifespan events


class StationPosts:
    """POST /records (through the group writer, intake.py) and POST /exchange, in plain ASGI."""

    PATHS = frozenset({protocol.PATH_RECORDS, protocol.PATH_EXCHANGE})

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.intake = Intake(hub)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        result: Any
        try:
            request = await _signed_request(scope, receive)
            if scope["path"] == protocol.PATH_RECORDS:
                result = await self.intake.push(request)
            else:
                result = await anyio.to_thread.run_sync(station_api.exchange, self.hub, request)
        except Exception as exc:
            result = exc
        status, doc = answer(result)
        body = json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode("ascii"))]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def answer(result: dict[str, Any] | Exception) -> tuple[int, dict[str, Any]]:
    """The status and JSON of a station's answer (as the framework's error handlers give them)."""
    if not isinstance(result, Exception):
        return 200, result
    if isinstance(result, HubAPIError):
        return result.status, result.to_json()
    if isinstance(result, StoreError):
        log.error("hub database: %s", result)
        return 503, {"error": "unavailable", "message": _("The hub cannot reach its database; try again later.")}
    if isinstance(result, BroadcasterError):
        log.error("hub: %s", result)
        return 500, {"error": "hub_error", "message": result.message}
    log.error("hub: %s", result, exc_info=result)
    return 500, {"error": "hub_error", "message": _("The hub failed to answer; try again later.")}


async def _signed_request(scope: Scope, receive: Receive) -> SignedRequest:
    headers = dict(scope["headers"])
    declared = headers.get(b"content-length", b"")
    if declared.isdigit() and int(declared) > protocol.MAX_BODY_BYTES:
        raise HubAPIError(413, "too_large", _("The request is larger than the hub accepts."))
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise HubAPIError(400, "bad_request", _("The request was cut short."))
        body += message.get("body", b"")
        if len(body) > protocol.MAX_BODY_BYTES:
            raise HubAPIError(413, "too_large", _("The request is larger than the hub accepts."))
        if not message.get("more_body", False):
            break
    query = scope.get("query_string", b"").decode("latin-1")
    target = scope["path"] + (f"?{query}" if query else "")
    authorization = headers.get(b"authorization")
    return SignedRequest(
        authorization.decode("latin-1") if authorization is not None else None, "POST", target, bytes(body)
    )


def create_app(hub: Hub) -> HubApp:
    from broadcaster.hub.pages.app import create_pages_app

    return HubApp(create_station_api(hub), create_pages_app(hub), StationPosts(hub))


def app_from_environment() -> HubApp:
    """The app of one worker process of `hub serve --workers N` (its settings come from the environment
    the serving process set: BROADCASTER_HUB_CONFIG, _DATABASE and _KEY)."""
    from broadcaster.hub.settings import load

    hub = Hub(load())
    hub.ready()
    return create_app(hub)


def serve(hub: Hub, host: str, port: int, workers: int = 1) -> None:
    """Run the API and the pages until interrupted: one process (uvicorn's thread pool serves stations
    in parallel) or, on PostgreSQL, `workers` processes sharing the port.

    Several processes are safe because the hub keeps nothing between requests that the database does
    not: a station's requests take turns on its row lock, nonces are unique in the database, logins
    are signed cookies checked against the users' table, and each process's caches only ever hold
    facts that never change (a delivery, once made, stays made)."""
    import uvicorn

    hub.ready()
    # A missing or unreadable key must stop the start, not the first station's sync.
    log.info("hub key fingerprint %s", hub.fingerprint)
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "info", "access_log": False}
    if workers == 1:
        uvicorn.run(create_app(hub), **options)
        return
    if not hub.db.engine.dialect.name == "postgresql":
        raise ConfigError(
            _("A hub on SQLite serves from one process only."),
            _("Leave out --workers, or move the hub to PostgreSQL for a province."),
        )
    environ_for_workers(hub.settings)
    uvicorn.run("broadcaster.hub.api:app_from_environment", factory=True, workers=workers, **options)


def environ_for_workers(settings: HubSettings) -> None:
    """The settings this process was given, in the environment its worker processes read."""
    if settings.config_file is not None:
        os.environ[ENV_CONFIG] = str(settings.config_file)
    os.environ[ENV_DATABASE] = settings.database
    os.environ[ENV_KEY] = str(settings.key_file)
