"""Hub tests: the hub's store on SQLite and on the real PostgreSQL server; stations on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PG_URL
from tests.hub.helpers import pg_hub_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def hub_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/hub/hub.db"
    if not PG_URL:
        pytest.skip("no PostgreSQL server: run the tests through scripts/test.sh")
    return pg_hub_url()


@pytest.fixture
def pg_hub(tmp_path: Path) -> str:
    """The hub on PostgreSQL (the province's setup); SQLite when no server is running."""
    return pg_hub_url() if PG_URL else f"sqlite:///{tmp_path}/hub/hub.db"
