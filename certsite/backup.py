"""Whole-database backups: ``pg_dump -Fc`` on PostgreSQL, SQLite's online backup otherwise.

Both copy a consistent snapshot while the site keeps serving: pg_dump reads in one
repeatable-read transaction; SQLite's backup API copies pages under a read lock and
restarts if a writer changes one meanwhile. A restore replaces every table's contents with
the file's (``pg_restore --clean`` in a single transaction; SQLite's backup API writing
into the live file), so it suits a fresh database as well as the one that went wrong.
"""

import datetime as dt
import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

PG_SUFFIX = ".dump"
SQLITE_SUFFIX = ".sqlite3"


class BackupError(Exception):
    pass


def _settings(alias: str) -> dict:
    return connections[alias].settings_dict


def _is_postgresql(alias: str) -> bool:
    return connections[alias].vendor == "postgresql"


def _pg_arguments(db: dict) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    # The password goes through the environment, never the command line (visible in ps).
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")


def backup_name(alias: str = "default", *, now: dt.datetime | None = None) -> str:
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    db = _settings(alias)
    if _is_postgresql(alias):
        return f"certsite-{db['NAME']}-{stamp}{PG_SUFFIX}"
    return f"certsite-{Path(str(db['NAME'])).stem}-{stamp}{SQLITE_SUFFIX}"


def backup(target: Path, alias: str = "default") -> Path:
    """Writes a backup of the database to ``target`` (written aside, then renamed)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    db = _settings(alias)
    if _is_postgresql(alias):
        args, env = _pg_arguments(db)
        _run(["pg_dump", "--format=custom", "--file", str(partial), *args], env)
    else:
        source = sqlite3.connect(str(db["NAME"]))
        destination = sqlite3.connect(str(partial))
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
    # A file under its final name is always a whole backup.
    partial.replace(target)
    return target


def restore(source: Path, alias: str = "default") -> None:
    """Replaces the database's contents with the backup in ``source``."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    db = _settings(alias)
    connections[alias].close()
    if _is_postgresql(alias):
        if source.suffix != PG_SUFFIX:
            raise BackupError(f"{source} is not a pg_dump file ({PG_SUFFIX}): wrong database?")
        args, env = _pg_arguments(db)
        # --clean --if-exists: drop what the dump holds, then re-create it; one transaction,
        # so a failed restore leaves the database as it was.
        _run(
            [
                "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                "--exit-on-error", *args, str(source),
            ],
            env,
        )  # fmt: skip
    else:
        if source.suffix != SQLITE_SUFFIX:
            raise BackupError(
                f"{source} is not an SQLite backup ({SQLITE_SUFFIX}): wrong database?"
            )
        with sqlite3.connect(str(source)) as check:
            if check.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupError(f"{source} is not a sound SQLite database")
        backup_file = sqlite3.connect(str(source))
        live = sqlite3.connect(str(db["NAME"]))
        try:
            backup_file.backup(live)
        finally:
            live.close()
            backup_file.close()
