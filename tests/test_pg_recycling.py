"""The tests' PostgreSQL databases are recycled (tests/conftest.py): each test must still start from the
migrated schema alone, with nothing of the test before it, as a new station's database would."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL, SPARE, reset_postgres, seed_url

pytestmark = pytest.mark.postgres


def what_a_test_finds(url: str) -> tuple[list[str], int, str]:
    """The station's facts, the id its first news item would get, the schema's version."""
    engine = create_engine(url)
    with engine.connect() as connection:
        facts = connection.execute(text("SELECT key FROM station_state ORDER BY key")).scalars().all()
        next_id = connection.execute(text("SELECT nextval(pg_get_serial_sequence('news_items', 'id'))")).scalar()
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        connection.rollback()
    engine.dispose()
    return list(facts), int(next_id or 0), str(version)


def test_a_recycled_database_is_the_template_again() -> None:
    if not PG_URL:
        pytest.skip("no PostgreSQL server: run the tests through scripts/test.sh")
    reset_postgres(PG_URL)
    seed_url(PG_URL)
    fresh = what_a_test_finds(PG_URL)
    assert fresh[1] == 1
    engine = create_engine(PG_URL)
    with engine.begin() as connection:  # a test's leftovers: a row and a used sequence
        connection.execute(text("INSERT INTO station_state VALUES ('leftover', 'x', now())"))
        connection.execute(text("SELECT setval(pg_get_serial_sequence('news_items', 'id'), 41)"))
    engine.dispose()

    reset_postgres(PG_URL)  # the next test: an empty database, the old schema set aside
    engine = create_engine(PG_URL)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = :s"), {"s": SPARE}).scalar()
    engine.dispose()
    seed_url(PG_URL)  # its station wants the schema: the spare, emptied
    assert what_a_test_finds(PG_URL) == fresh


def test_a_spare_changed_by_its_test_is_not_taken_back() -> None:
    if not PG_URL:
        pytest.skip("no PostgreSQL server: run the tests through scripts/test.sh")
    reset_postgres(PG_URL)
    seed_url(PG_URL)
    engine = create_engine(PG_URL)
    with engine.begin() as connection:  # as a test of migrations might leave it
        connection.execute(text("ALTER TABLE news_items ADD COLUMN leftover integer"))
    engine.dispose()
    reset_postgres(PG_URL)
    seed_url(PG_URL)
    engine = create_engine(PG_URL)
    with engine.connect() as connection:
        query = "SELECT column_name FROM information_schema.columns WHERE table_name = :t AND table_schema = :s"
        columns = connection.execute(text(query), {"t": "news_items", "s": "public"}).scalars().all()
    engine.dispose()
    assert "leftover" not in columns and "title" in columns
