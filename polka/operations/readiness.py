"""Whether this process can serve: its database answers, the schema is at the newest migration, and
the files directory takes a write. Each check answers "ok" or what is wrong, in words."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select, text

from polka.dbcli import alembic_config

OK = "ok"


@cache
def newest_revision() -> str:
    """The newest migration this code has (read once a process: the code does not change under it)."""
    return str(ScriptDirectory.from_config(alembic_config("")).get_current_head())


def checks(engine: Engine, files_dir: Path) -> dict[str, str]:
    """Each check's answer: ``database``, ``schema`` (only when the database answers) and ``files``."""
    found = {"database": OK, "schema": OK, "files": _files(files_dir)}
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":  # never hang a load balancer's probe on a stuck server
                conn.execute(select(func.set_config("statement_timeout", "2000", True)))
            conn.execute(text("SELECT 1"))
            current = MigrationContext.configure(conn).get_current_revision()
    except Exception as exc:
        found["database"] = f"the database does not answer ({type(exc).__name__})"
        found["schema"] = "unknown: the database does not answer"
        return found
    newest = newest_revision()
    if current != newest:
        found["schema"] = f"at {current or 'no migration'}, the code needs {newest}: run `polka db upgrade`"
    return found


def _files(files_dir: Path) -> str:
    """Whether a file can be written (and removed) in the files directory, as an upload would."""
    try:
        handle, name = tempfile.mkstemp(prefix=".readyz-", dir=files_dir)
        try:
            os.write(handle, b"ready")
            os.fsync(handle)
        finally:
            os.close(handle)
            os.unlink(name)
    except OSError as exc:
        return f"the files directory {files_dir} takes no write ({exc.strerror or type(exc).__name__})"
    return OK
