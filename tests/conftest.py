"""Shared fixtures: a station folder with a real config file and a real database.

Store tests run on SQLite and, where .ci/run started it, on a real PostgreSQL
server (BROADCASTER_TEST_PG_URL); see scripts/start-postgres.sh.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from broadcaster.cli import cli

# The tests pin the English texts; the Vietnamese catalog is tested on its own (tests/web/test_i18n.py).
os.environ["BROADCASTER_LANG"] = "en"

REPO = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BROADCASTER_TEST_PG_URL")
# Under pytest-xdist (`-n 2`) each worker process has a database of its own on the server: "<name>_gw0", ...
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if PG_URL and WORKER:
    _server_url = make_url(PG_URL)
    PG_URL = _server_url.set(database=f"{_server_url.database}_{WORKER}").render_as_string(hide_password=False)


def write_config(
    folder: Path,
    database: str = "sqlite:///station.db",
    *,
    replace: dict[str, str] | None = None,
    append: str = "",
    render_on_add: bool = False,
) -> Path:
    """The shipped config.toml with this station's database, offline voice, output to files, and any changes.

    Speech is not rendered on `news add` unless asked: most tests are about the queue, not the voice."""
    text_ = (REPO / "config.toml").read_text(encoding="utf-8")
    text_ = text_.replace('database = "sqlite:///station.db"', f'database = "{database}"')
    text_ = text_.replace('kind = "device"              #', 'kind = "file"              #')
    text_ = text_.replace('engine = "gtts"              #', 'engine = "espeak"            #')
    text_ = text_.replace('fallback = ["espeak"]        #', "fallback = []        #")
    if not render_on_add:
        text_ = text_.replace("render_on_add = true ", "render_on_add = false")
    for old, new in (replace or {}).items():
        assert old in text_, old
        text_ = text_.replace(old, new)
    path = folder / "config.toml"
    path.write_text(text_ + append, encoding="utf-8")
    return path


# A test's PostgreSQL database starts empty. The schema the test before it left is set aside as SPARE
# (a rename) instead of dropped; when the new test's station wants the migrated schema, a spare that is
# still exactly that schema is emptied and taken back (~15 ms) instead of the template replayed (~80 ms).
SPARE = "broadcaster_tests_spare"


@contextmanager
def pg_transaction(url: str) -> Iterator[Any]:
    """A connection to the database at `url` in one transaction, its engine disposed after."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def tables_in(connection: Any, schema: str) -> int:
    return int(connection.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = :s"), {"s": schema}).scalar())


def reset_postgres(url: str) -> None:
    with pg_transaction(url) as connection:
        if tables_in(connection, "public"):
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SPARE} CASCADE"))
            connection.execute(text(f"ALTER SCHEMA public RENAME TO {SPARE}"))
        else:
            connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


# Every column, default, constraint and index of a schema, as one digest without the schema's name (a
# schema outside search_path is named in references): a spare is reused only when its digest is the
# template's, so a test that migrated down or altered a table leaves nothing behind.
_SHAPE = """
SELECT md5(replace(replace(coalesce((
    SELECT string_agg(c.relname || '.' || c.relkind::text || '.' || a.attname
                      || ':' || format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull
                      || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), ''),
                      ',' ORDER BY c.relname, a.attnum)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
    WHERE n.nspname = :schema), '') || coalesce((
    SELECT string_agg(t.relname || '/' || k.conname || ':' || pg_get_constraintdef(k.oid), ','
                      ORDER BY t.relname, k.conname)
    FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = :schema), '') || coalesce((
    SELECT string_agg(indexdef, ',' ORDER BY indexname)
    FROM pg_indexes WHERE schemaname = :schema), ''), :schema || '.', ''), 'public.', ''))
"""


def _schema_shape(connection: Any, schema: str) -> str:
    return str(connection.execute(text(_SHAPE), {"schema": schema}).scalar())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return "sqlite:///station.db"
    if not PG_URL:
        pytest.skip("no PostgreSQL server: run the tests through scripts/test.sh")
    reset_postgres(PG_URL)
    return PG_URL


# ------------------------------------------------------------ the schema, migrated once per run
#
# Alembic's migrations take ~0.2 s of CPU per new station (~0.4 s on PostgreSQL), and a thousand
# tests start from a new station. `broadcaster init` is still run for every one of them (folders,
# station key, heartbeat), but on a copy of a database the migrations built once per run: the same
# schema, as tests/store/test_migrations.py checks the migrations themselves on both databases.

_TEMPLATES: dict[str, Any] = {"folder": None}


@pytest.fixture(scope="session", autouse=True)
def _schema_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    if PG_URL and WORKER:  # this worker's own database
        admin = _admin(PG_URL)
        name = make_url(PG_URL).database
        with admin.connect() as connection:
            if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    _TEMPLATES["folder"] = tmp_path_factory.mktemp("schema-template")
    yield
    _TEMPLATES.clear()
    _TEMPLATES["folder"] = None


def _migrate(kind: str, url: str) -> None:
    """Run the station's (kind "station") or the hub's ("hub") migrations on the database at `url`."""
    if kind == "hub":
        from broadcaster.hub.db import HubDB

        database: Any = HubDB(url)
    else:
        from broadcaster.store.db import Database

        database = Database(url)
    database.upgrade()
    database.dispose()  # SQLite: the last connection checkpoints the WAL into the file


def _migrated_sqlite(kind: str = "station") -> Path | None:
    if f"sqlite:{kind}" not in _TEMPLATES:
        folder = _TEMPLATES["folder"]
        if folder is None:  # outside pytest (bench scripts): no template, `init` migrates
            return None
        _migrate(kind, f"sqlite:///{folder / kind}.db")
        _TEMPLATES[f"sqlite:{kind}"] = folder / f"{kind}.db"
    return Path(_TEMPLATES[f"sqlite:{kind}"])


def _admin(url: str) -> Any:
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _migrated_postgres(url: str, kind: str = "station") -> str:
    """The name of a database at the newest schema on the test server (made on first use): one per worker
    and kind, whichever of the worker's databases (see own_database) is to become a copy."""
    key = f"postgres:{kind}"
    if key not in _TEMPLATES:
        base = make_url(PG_URL or url).database
        name = f"{base}_migrated" if kind == "station" else f"{base}_{kind}_migrated"
        admin = _admin(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
        admin.dispose()
        _migrate(kind, make_url(url).set(database=name).render_as_string(hide_password=False))
        _TEMPLATES[key] = name
    return str(_TEMPLATES[key])


def own_database(suffix: str) -> str:
    """A database of this worker's own on the test server, "<worker's>_<suffix>", emptied: for a station
    a module shares between its tests, which the tests' own stations (each emptying the worker's
    database, see db_url) leave alone."""
    assert PG_URL
    url = make_url(PG_URL).set(database=f"{make_url(PG_URL).database}_{suffix}")
    admin = _admin(PG_URL)
    with admin.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}).scalar():
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    rendered = url.render_as_string(hide_password=False)
    reset_postgres(rendered)
    return rendered


def seed_database(config: Path) -> None:
    """A new, empty station database becomes a copy of the migrated schema; any other is left alone."""
    from broadcaster.config import load_config

    seed_url(load_config(config).database_url)


def seed_url(url: str, kind: str = "station") -> None:
    """The database at `url`, if new (SQLite) or empty (PostgreSQL), becomes a copy of `kind`'s migrated schema."""
    from broadcaster.store.db import sqlite_file

    path = sqlite_file(url)
    if path is not None:
        template = _migrated_sqlite(kind)
        if template is not None and not path.exists() and path.parent.is_dir():
            shutil.copyfile(template, path)
        return
    if url.startswith("postgresql") and _TEMPLATES["folder"] is not None:
        _copy_postgres_schema(url, kind)


def _copy_postgres_schema(url: str, kind: str) -> None:
    """The migrated schema, rows included, put into this database if it is empty: the spare schema taken
    back (~15 ms), else pg_dump's script of the template replayed (~80 ms), or, without pg_dump, the
    database made again from the template (~250 ms, a checkpoint). One connection: each new one costs ~10 ms."""
    template = _migrated_postgres(url, kind)
    key = f"dump:{kind}:{template}"
    if key not in _TEMPLATES:
        _TEMPLATES[key] = _schema_script(make_url(url).set(database=template))
        with pg_transaction(make_url(url).set(database=template).render_as_string(hide_password=False)) as connection:
            _TEMPLATES[f"shape:{key}"] = _schema_shape(connection, "public")
    script = _TEMPLATES[key]
    with pg_transaction(url) as connection:
        if tables_in(connection, "public"):
            return  # not empty: left alone
        if script is not None:
            driver = connection.connection.driver_connection  # many statements: no parameters, no %-escapes
            if _schema_shape(connection, SPARE) == _TEMPLATES[f"shape:{key}"]:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text(f"ALTER SCHEMA {SPARE} RENAME TO public"))
                # DELETE, not TRUNCATE: a test leaves a few rows; TRUNCATE makes every table's files anew (~50 ms)
                driver.execute(_refill_script(connection, key, script))
            else:
                driver.execute(script)  # it empties search_path: this connection is not used again
            return
    name = make_url(url).database
    admin = _admin(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY'))
    admin.dispose()


def _refill_script(connection: Any, key: str, script: str) -> str:
    """SQL that empties `public`'s tables, children first, and puts back the template's rows and sequences."""
    if f"refill:{key}" not in _TEMPLATES:
        from sqlalchemy import MetaData

        tables = MetaData()
        tables.reflect(connection)
        deletes = [f'DELETE FROM public."{table.name}";' for table in reversed(tables.sorted_tables)]
        rows = [line for line in script.splitlines() if line.startswith(("INSERT INTO ", "SELECT pg_catalog.setval("))]
        _TEMPLATES[f"refill:{key}"] = "\n".join(deletes + rows)
    return str(_TEMPLATES[f"refill:{key}"])


def _schema_script(url: Any) -> str | None:
    """pg_dump's SQL for the database at `url` (schema and rows), from the server's own version of pg_dump."""
    engine = create_engine(url)
    with engine.connect() as connection:
        major = str(connection.execute(text("SHOW server_version_num")).scalar())[:-4]
    engine.dispose()
    own = Path(f"/usr/lib/postgresql/{major}/bin/pg_dump")
    pg_dump = str(own) if own.exists() else shutil.which("pg_dump")
    if pg_dump is None:
        return None
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    args = ["-h", url.host, "-p", str(url.port or 5432), "-U", url.username, "-d", url.database]
    dumped = subprocess.run(
        [pg_dump, *args, "--inserts", "--no-owner", "--no-privileges"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    # psql's own commands (\restrict) are not SQL
    return "\n".join(line for line in dumped.stdout.splitlines() if not line.startswith("\\"))


# ------------------------------------------------------------ password hashing
#
# A station hashes passwords at OWASP's argon2id cost (19 MiB, 2 passes): ~30 ms each, by design. The
# tests hash and check a few hundred, so in this process they use argon2id at its lightest; processes
# they start keep the station's cost, and tests/web/test_accounts.py checks that cost itself.


@pytest.fixture(scope="session", autouse=True)
def station_password_hasher() -> Iterator[Any]:
    """The station's own hasher, while the accounts code hashes lightly."""
    from argon2 import PasswordHasher

    from broadcaster.web import account_rules, accounts

    own = account_rules.HASHER
    light = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        for module in (account_rules, accounts):
            patch.setattr(module, "HASHER", light)
        account_rules.dummy_hash.cache_clear()
        yield own
    account_rules.dummy_hash.cache_clear()


# ------------------------------------------------------------ the process's language


@pytest.fixture
def keep_the_process_language() -> Iterator[None]:
    """The CLI sets the process's language (BROADCASTER_LANG=vi); the tests after one expect it as it was.
    A module that runs the CLI in Vietnamese uses it for every test: pytestmark = usefixtures(...)."""
    from broadcaster import i18n

    saved = i18n._translations, i18n._language
    yield
    i18n._translations, i18n._language = saved


# ------------------------------------------------------------ property tests
#
# The whole suite (what CI runs) tries each property on as many examples as its test asks for; the fast
# part (`-m "not slow"`, the loop while working) on a fifth of them: Hypothesis's cost is per example.

_RUN = {"fast": False}


def examples(wanted: int) -> int:
    """max_examples for a property test in this run."""
    return max(20, wanted // 5) if _RUN["fast"] else wanted


def pytest_configure(config: pytest.Config) -> None:
    from _pytest.mark.expression import Expression

    expression = config.option.markexpr
    _RUN["fast"] = bool(expression) and not Expression.compile(expression).evaluate(lambda name, **_: name == "slow")


# A test that needs the sound server, Icecast or the browser runs end to end, in real time: it belongs
# to the slow part of the suite (`-m slow`), whichever file it is in.
END_TO_END_MARKS = ("audio_server", "icecast", "browser")


@pytest.hookimpl(tryfirst=True)  # before `-m` selects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(name) for name in END_TO_END_MARKS) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


class StationCLI:
    """Runs broadcaster commands against one station folder, as the official would."""

    def __init__(self, config: Path) -> None:
        self.config = config
        try:
            self.runner = CliRunner(mix_stderr=False)  # click 8.1
        except TypeError:
            self.runner = CliRunner()  # click >= 8.2 keeps stderr apart already

    def __call__(self, *args: str, input: str | bytes | None = None) -> Result:
        return self.runner.invoke(cli, ["--config", str(self.config), *args], input=input, catch_exceptions=False)

    def init(self) -> str:
        """`broadcaster init`, on a copy of the schema migrated once per run when the database is new."""
        seed_database(self.config)
        return self.ok("init")

    def ok(self, *args: str, input: str | bytes | None = None) -> str:
        result = self(*args, input=input)
        assert result.exit_code == 0, result.output
        return result.stdout

    def fails(self, *args: str, input: str | bytes | None = None) -> str:
        """Exit status 1 and a one-line error; returns that line."""
        result = self(*args, input=input)
        assert result.exit_code == 1, result.output
        lines = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert len(lines) == 1, result.stderr
        return lines[0]

    def add(
        self,
        title: str = "Tin CCHC",
        topic: str = "mot-cua",
        text_: str = "Bộ phận một cửa làm việc cả thứ bảy.",
        *extra: str,
    ) -> int:
        out = self.ok("news", "add", "--title", title, "--topic", topic, "--text", text_, *extra)
        return int(re.findall(r"^\d+$", out, flags=re.M)[-1])


@pytest.fixture
def station_cli(tmp_path: Path, db_url: str) -> StationCLI:
    config = write_config(tmp_path, db_url)
    station = StationCLI(config)
    station.init()
    return station


@pytest.fixture
def sqlite_cli(tmp_path: Path) -> StationCLI:
    station = StationCLI(write_config(tmp_path))
    station.init()
    return station


# ------------------------------------------------------------ a real browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium through Playwright, one for the whole run: Playwright's sync API runs once per
    thread, so the console's and the hub's browser tests share it (never `playwright install`)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
