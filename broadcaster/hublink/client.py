"""HTTP to the district hub (httpx), every request signed with the station's key.

Timeouts on every call: a hub that is down or slow costs one sync, never an airing (sync
runs outside the airing path). Network and HTTP failures become HubError with a message the
technician can act on; the hub's own JSON error message is passed on as it is.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster import __version__
from broadcaster.clock import Clock
from broadcaster.errors import BroadcasterError
from broadcaster.hublink import protocol
from broadcaster.i18n import _

log = logging.getLogger(__name__)


class HubError(BroadcasterError):
    """The hub could not be reached, or answered with an error."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        status: int | None = None,
        code: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.status = status
        self.code = code
        self.body = body or {}


def _wire_size(headers: httpx.Headers, first_line: str, body_len: int) -> int:
    return len(first_line) + 2 + sum(len(k) + len(v) + 4 for k, v in headers.raw) + 2 + body_len


class HubClient:
    def __init__(
        self,
        url: str,
        station: str,
        key: Ed25519PrivateKey,
        clock: Clock,
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.station = station
        self.key = key
        self.clock = clock
        self.timeout = timeout
        self._http = httpx.Client(
            base_url=self.url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            headers={"user-agent": f"broadcaster/{__version__}"},
            transport=transport,
            # Loading the system's certificates costs ~200 ms of CPU per client; a plain-HTTP hub never
            # uses them (redirects are not followed). An https:// hub's certificate is always checked.
            verify=self.url.startswith("https://"),
        )
        self.sent = 0  # bytes on the wire (request lines, headers, bodies), both ways
        self.received = 0
        self.requests = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- calls

    def hub_info(self) -> dict[str, Any]:
        """The hub's name and public key (unauthenticated: compared by fingerprint, then pinned)."""
        return self._json(self._send("GET", protocol.PATH_HUB, None, signed=False))

    def exchange(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._json(self._send("POST", protocol.PATH_EXCHANGE, body))

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._json(self._send("POST", protocol.PATH_RECORDS, body))

    def audio(self, sha256: str) -> bytes:
        return self._send("GET", protocol.PATH_AUDIO.format(sha256=sha256), None).content

    # ---------------------------------------------------------------- plumbing

    def _send(self, method: str, path: str, body: dict[str, Any] | None, signed: bool = True) -> httpx.Response:
        content = b"" if body is None else json.dumps(body, separators=(",", ":")).encode("utf-8")
        headers = {"content-type": "application/json"} if body is not None else {}
        if signed:
            headers["authorization"] = protocol.authorization(
                self.key, self.station, method, path, content, self.clock.now()
            )
        request = self._http.build_request(method, path, content=content or None, headers=headers)
        try:
            response = self._http.send(request)
            response.read()
        except httpx.TimeoutException as exc:
            raise HubError(
                _("The district hub at {url} did not answer within {s:.0f} seconds.").format(
                    url=self.url, s=self.timeout
                ),
                _("The station keeps airing; the next sync tries again."),
            ) from exc
        except httpx.HTTPError as exc:
            raise HubError(
                _("The district hub at {url} cannot be reached ({error}).").format(url=self.url, error=_reason(exc)),
                _("Check the network and [hub] url; the station keeps airing and syncs again later."),
            ) from exc
        self.requests += 1
        self.sent += _wire_size(request.headers, f"{method} {request.url.raw_path.decode()} HTTP/1.1", len(content))
        self.received += _wire_size(response.headers, "HTTP/1.1 200 OK", response.num_bytes_downloaded)
        if response.status_code >= 400:
            raise _error(response, self.url)
        return response

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except (ValueError, RecursionError) as exc:  # nested past the parser's depth: no hub writes that
            raise HubError(_("The district hub sent an answer that is not JSON."), None) from exc
        if not isinstance(data, dict):
            raise HubError(_("The district hub sent an unexpected answer."), None)
        return data


def _reason(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def _error(response: httpx.Response, url: str) -> HubError:
    try:
        body = response.json()
    except (ValueError, RecursionError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    message = body.get("message") if isinstance(body.get("message"), str) else None
    hint = body.get("hint") if isinstance(body.get("hint"), str) else None
    if message is None:
        message = _("The district hub at {url} answered HTTP {status}.").format(url=url, status=response.status_code)
        hint = _("It may be starting or overloaded; the next sync tries again.")
    return HubError(
        message, hint, response.status_code, body.get("error") if isinstance(body.get("error"), str) else None, body
    )
