"""The tests' PostgreSQL databases are recycled (tests/conftest.py): each test must still start from the
migrated schema alone, with nothing of the test before it, as a new station's database would."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import PG_URL, SPARE, pg_transaction, reset_postgres, seed_url, tables_in

pytestmark = pytest.mark.postgres


@pytest.fixture
def seeded() -> str:
    """The worker's database, emptied and given the migrated schema, as a station's test gets it."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server: run the tests through scripts/test.sh")
    reset_postgres(PG_URL)
    seed_url(PG_URL)
    return PG_URL


def what_a_test_finds(url: str) -> tuple[list[str], int, str]:
    """The station's facts, the id its first news item would get, the schema's version."""
    with pg_transaction(url) as connection:
        facts = connection.execute(text("SELECT key FROM station_state ORDER BY key")).scalars().all()
        next_id = connection.execute(text("SELECT nextval(pg_get_serial_sequence('news_items', 'id'))")).scalar()
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return list(facts), int(next_id or 0), str(version)


def test_a_recycled_database_is_the_template_again(seeded: str) -> None:
    fresh = what_a_test_finds(seeded)
    assert fresh[1] == 1
    with pg_transaction(seeded) as connection:  # a test's leftovers: a row and a used sequence
        connection.execute(text("INSERT INTO station_state VALUES ('leftover', 'x', now())"))
        connection.execute(text("SELECT setval(pg_get_serial_sequence('news_items', 'id'), 41)"))

    reset_postgres(seeded)  # the next test: an empty database, the old schema set aside
    with pg_transaction(seeded) as connection:
        assert tables_in(connection, "public") == 0
        assert tables_in(connection, SPARE)
    seed_url(seeded)  # its station wants the schema: the spare, emptied
    assert what_a_test_finds(seeded) == fresh


def test_a_spare_changed_by_its_test_is_not_taken_back(seeded: str) -> None:
    with pg_transaction(seeded) as connection:  # as a test of migrations might leave it
        connection.execute(text("ALTER TABLE news_items ADD COLUMN leftover integer"))
    reset_postgres(seeded)
    seed_url(seeded)
    with pg_transaction(seeded) as connection:
        query = "SELECT column_name FROM information_schema.columns WHERE table_name = :t AND table_schema = :s"
        columns = connection.execute(text(query), {"t": "news_items", "s": "public"}).scalars().all()
    assert "leftover" not in columns and "title" in columns
