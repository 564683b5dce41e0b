"""`make backup` / `make restore`: a restore into a fresh database gives back every row and
the same pages, byte for byte.

The SQLite round trip runs in the SQLite pass of `make test`, the PostgreSQL one in the
PostgreSQL pass, so each runs once in CI.
"""

import os
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from deploy import serve
from tests.stack.conftest import (
    app_env,
    database_url,
    drop_database,
    scratch_database_name,
)

PAGES = [
    "/certifications/",
    "/certifications/aws-ai-practitioner/",
    "/changes/",
    "/certifications/export.json",
]

RENDER = """
import os, pathlib
from django.test import Client
out = pathlib.Path(os.environ["RENDER_DIR"])
client = Client()
for n, path in enumerate(os.environ["RENDER_PAGES"].split()):
    response = client.get(path, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, (path, response.status_code)
    (out / str(n)).write_bytes(response.content)
"""


def render_pages(env: dict[str, str], directory: Path) -> list[bytes]:
    directory.mkdir()
    # Rendered fresh from the database: no shared cache could hand the restored site the
    # original's pages.
    env = env | {"RENDER_DIR": str(directory), "RENDER_PAGES": " ".join(PAGES)}
    env |= {"REDIS_URL": "", "DJANGO_PAGE_CACHE": "0"}
    # Plain static names: rendering must not depend on a collectstatic having run here.
    env |= {"DJANGO_MANIFEST_STATIC": "0"}
    serve.manage(env, "shell", "-v0", "-c", RENDER)
    return [(directory / str(n)).read_bytes() for n in range(len(PAGES))]


def sqlite_tables(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        names = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {name: sorted(conn.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names}


def postgres_tables(url: str) -> dict[str, list[tuple]]:
    import psycopg

    with psycopg.connect(url) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        tables = {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
        # The next id each table will hand out, or the first insert after a restore fails.
        for (sequence,) in conn.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall():
            tables[f"sequence {sequence}"] = conn.execute(
                f'SELECT last_value, is_called FROM "{sequence}"'
            ).fetchall()
        return tables


def _is_postgresql() -> bool:
    return urlsplit(os.environ.get("DATABASE_URL", "")).scheme in {"postgres", "postgresql"}


@pytest.mark.skipif(_is_postgresql(), reason="the SQLite round trip runs in the SQLite pass")
def test_sqlite_backup_restores_into_a_fresh_database_identically(tmp_path):
    source, fresh = tmp_path / "source.sqlite3", tmp_path / "fresh.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"SQLITE_PATH": str(source), "DJANGO_EDITOR_PASSWORD": "a-long-editor-passphrase"}
    serve.manage(env, "migrate", "--noinput", "-v0")
    serve.manage(env, "seed", "-v0")
    serve.manage(env, "create_editor", "editor", "--no-input")
    start = time.monotonic()
    backup = Path(
        serve.manage(env, "backup", "--output", str(tmp_path / "b.sqlite3"), capture=True).strip()
    )
    serve.manage(env | {"SQLITE_PATH": str(fresh)}, "restore", str(backup), "--no-input")
    took = time.monotonic() - start
    print(f"\nsqlite backup round trip: {took:.2f} s, {backup.stat().st_size} bytes")

    original = sqlite_tables(source)
    assert len(original) > 20 and sum(map(len, original.values())) > 100
    assert sqlite_tables(fresh) == original
    assert render_pages(env | {"SQLITE_PATH": str(fresh)}, tmp_path / "fresh-pages") == (
        render_pages(env, tmp_path / "pages")
    )


@pytest.mark.stack
def test_postgresql_backup_restores_into_a_fresh_database_identically(tmp_path, stack_database):
    # The other stack tests' database, with their edits in it (tests run one at a time).
    source = stack_database
    fresh = database_url(scratch_database_name("backup_fresh"))
    source_env, fresh_env = app_env(source), app_env(fresh)
    drop_database(fresh)
    serve.check_services(fresh_env)  # creates it, empty: no migrations, nothing
    try:
        start = time.monotonic()
        backup = Path(
            serve.manage(
                source_env, "backup", "--output", str(tmp_path / "b.dump"), capture=True
            ).strip()
        )
        serve.manage(fresh_env, "restore", str(backup), "--no-input")
        took = time.monotonic() - start
        print(f"\npostgresql backup round trip: {took:.2f} s, {backup.stat().st_size} bytes")

        original = postgres_tables(source)
        assert len(original) > 20 and sum(map(len, original.values())) > 100
        assert postgres_tables(fresh) == original
        assert render_pages(fresh_env, tmp_path / "fresh-pages") == render_pages(
            source_env, tmp_path / "pages"
        )
    finally:
        drop_database(fresh)
