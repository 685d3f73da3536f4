"""A station talking to a hub in this process: its HubClient answered by the hub's app (stations' API and
pages) through Starlette's test client, with no port and no second process. Fast enough for the tests
that are not marked slow; tests/hub/test_link.py does the same over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from broadcaster.hub.service import Hub
from broadcaster.hublink import client as client_module
from broadcaster.hublink import sync as sync_module

HUB_URL = "http://hub.huong-son.test"


def transport(app_client: TestClient) -> httpx.MockTransport:
    """Every request a HubClient makes, answered by the hub's app."""

    def answer(request: httpx.Request) -> httpx.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        got = app_client.request(request.method, request.url.raw_path.decode("ascii"), content=request.content,
                                 headers=headers)  # fmt: skip
        return httpx.Response(got.status_code, headers=got.headers, content=got.content)

    return httpx.MockTransport(answer)


@contextmanager
def hub_in_process(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """Every HubClient made inside the block (`hub-link` fetching the key, `sync`) reaches `hub`."""
    from broadcaster.hub.api import create_app

    with TestClient(create_app(hub)) as app_client:
        through = transport(app_client)

        class InProcessClient(client_module.HubClient):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **{**kwargs, "transport": through})

        monkeypatch.setattr(client_module, "HubClient", InProcessClient)  # hub-link imports it when it runs
        monkeypatch.setattr(sync_module, "HubClient", InProcessClient)  # sync's open_client
        yield app_client
