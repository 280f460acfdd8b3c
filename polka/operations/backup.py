"""``polka backup`` and ``polka restore``: the whole of a deployment in one archive, and back into an
empty one (on either database: a SQLite site's backup restores into PostgreSQL).

The archive (a tar file) holds ``manifest.json`` (the format, when and at which migration it was made,
each table's row count and checksum, each file's size), one JSON-lines file per table, and every
stored file the rows refer to, under its SHA-256 name. Everything is read in one read-only snapshot
of the database (``REPEATABLE READ`` on PostgreSQL, one read transaction on SQLite), so rows and files
agree: a file row is never backed up without its bytes, and each file's bytes are checked against its
name as they are copied. Derived data (the search index, caches) is not kept: it is rebuilt.

A restore checks the archive's checksums, refuses a database that already holds anything but the
reference data ``polka db upgrade`` loads (which the backup's own replaces), and writes every row in
one transaction: it all arrives or none does.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from polka.db import WRITE, Base
from polka.storage import FileStore

#: The archive's layout: raise it with any change to what is written or how.
FORMAT = 1
MANIFEST = "manifest.json"
#: The tables ``polka db upgrade`` fills with reference data (a test checks the list): a restore
#: empties them for the backup's own rows.
LOADED_BY_UPGRADE = ("org_domains", "org_organisations", "search_synonym_groups")
#: Rows written per statement on restore.
BATCH = 1000
CHUNK = 1024 * 1024


class RestoreRefused(Exception):
    """The archive cannot be restored here; the message says why and what to do."""


@dataclass
class Manifest:
    format: int
    created_at: str
    revision: str
    dialect: str
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)

    def dumps(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode("utf-8")


# --- backing up -----------------------------------------------------------------------------------


def backup(
    engine: Engine, store: FileStore, target: Path, referenced: Callable[[Session], set[str]]
) -> Manifest:
    """Write the archive to ``target`` (made whole beside it, then renamed: never half written)."""
    if target.exists():
        raise FileExistsError(f"{target} exists already: name a new file")
    with tempfile.TemporaryDirectory(prefix=".polka-backup-", dir=target.parent) as work:
        tables = Path(work)
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            revision = MigrationContext.configure(conn).get_current_revision()
            if revision is None:
                raise RestoreRefused("the database was never migrated: run `polka db upgrade`")
            manifest = Manifest(FORMAT, datetime.now(UTC).isoformat(), revision, conn.dialect.name)
            for table in Base.metadata.sorted_tables:
                manifest.tables[table.name] = _dump_table(conn, table, tables / f"{table.name}.jsonl")
            with Session(bind=conn) as session:  # the same snapshot: exactly the files these rows name
                hashes = sorted(referenced(session))
        for sha256 in hashes:
            manifest.files[sha256] = store.path_for(sha256).stat().st_size
        partial = target.with_name(f".{target.name}.partial")
        try:
            with tarfile.open(partial, "w") as archive:
                _add_bytes(archive, MANIFEST, manifest.dumps())
                for name in manifest.tables:
                    archive.add(tables / f"{name}.jsonl", arcname=f"tables/{name}.jsonl")
                for sha256 in hashes:
                    _add_file(archive, store, sha256)
            with open(partial, "rb") as written:
                os.fsync(written.fileno())
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _dump_table(conn: Connection, table: Table, path: Path) -> dict[str, Any]:
    digest, rows = hashlib.sha256(), 0
    order = list(table.primary_key.columns) or list(table.columns)
    with open(path, "wb") as out:
        for row in conn.execution_options(yield_per=BATCH).execute(select(table).order_by(*order)):
            line = json.dumps(
                {key: _encoded(value) for key, value in row._mapping.items()}, ensure_ascii=False
            )
            data = (line + "\n").encode("utf-8")
            out.write(data)
            digest.update(data)
            rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


def _encoded(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "value") and not isinstance(value, int | float | str | bool):
        return value.value  # an enum
    return value


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


class _Hashing(io.RawIOBase):
    """A file read through a SHA-256, to check a stored file against its name as it is copied."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


def _add_file(archive: tarfile.TarFile, store: FileStore, sha256: str) -> None:
    path = store.path_for(sha256)
    info = archive.gettarinfo(str(path), arcname=f"files/{sha256[:2]}/{sha256}")
    with open(path, "rb") as raw:
        hashing = _Hashing(raw)
        archive.addfile(info, hashing)
    if hashing.digest.hexdigest() != sha256:
        raise OSError(f"the stored file {sha256} does not match its name: it is damaged")


# --- restoring ------------------------------------------------------------------------------------


def read_manifest(source: Path) -> Manifest:
    with tarfile.open(source, "r") as archive:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise RestoreRefused(f"{source} is not a POLKA backup (it has no {MANIFEST})")
        found = json.loads(member.read())
    if found.get("format") != FORMAT:
        raise RestoreRefused(
            f"{source} is a backup of format {found.get('format')}; this release reads {FORMAT}"
        )
    return Manifest(**found)


def restore(engine: Engine, store: FileStore, source: Path) -> Manifest:
    """Restore the archive at ``source`` into this empty deployment."""
    try:
        manifest = read_manifest(source)
    except (tarfile.TarError, OSError, ValueError) as exc:
        raise RestoreRefused(f"{source} cannot be read as a POLKA backup ({exc})") from exc
    with engine.connect() as conn:
        _check_target(conn, manifest)  # before anything is written
    with tarfile.open(source, "r") as archive:
        for sha256 in manifest.files:  # first: files no row refers to yet are harmless if it stops
            _restore_file(archive, store, sha256)
        with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            _check_target(conn, manifest)  # again, in the writing transaction
            for table in reversed(Base.metadata.sorted_tables):
                if table.name in LOADED_BY_UPGRADE:
                    conn.execute(delete(table))
            for table in Base.metadata.sorted_tables:
                _load_table(conn, table, archive, manifest.tables.get(table.name))
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn)
    return manifest


def _check_target(conn: Connection, manifest: Manifest) -> None:
    revision = MigrationContext.configure(conn).get_current_revision()
    if revision != manifest.revision:
        raise RestoreRefused(
            f"the backup was made at migration {manifest.revision} and this database is at {revision}: "
            "restore it with the release that made it (after `polka db upgrade` there), then upgrade"
        )
    unknown = set(manifest.tables) - set(Base.metadata.tables)
    if unknown:
        raise RestoreRefused(
            f"the backup has tables this release does not know: {', '.join(sorted(unknown))}"
        )
    for table in Base.metadata.sorted_tables:
        if table.name not in LOADED_BY_UPGRADE and conn.scalar(select(func.count()).select_from(table)):
            raise RestoreRefused(
                f"this database already holds data ({table.name}): restore into an empty deployment "
                "(a new database after `polka db upgrade`, and an empty files directory)"
            )


def _rows(archive: tarfile.TarFile, table: Table, expected: dict[str, Any]) -> Iterator[dict[str, Any]]:
    member = archive.extractfile(f"tables/{table.name}.jsonl")
    if member is None:
        raise RestoreRefused(f"the backup lacks the rows of {table.name}")
    digest, count = hashlib.sha256(), 0
    decoders = {column.name: _decoder(column.type) for column in table.columns}
    for data in member:
        digest.update(data)
        count += 1
        found = json.loads(data)
        yield {name: decoders[name](value) if value is not None else None for name, value in found.items()}
    if digest.hexdigest() != expected["sha256"] or count != expected["rows"]:
        raise RestoreRefused(f"the rows of {table.name} do not match the backup's checksum: it is damaged")


def _decoder(kind: Any) -> Callable[[Any], Any]:
    if isinstance(kind, TypeDecorator):
        kind = kind.impl  # what it stores (UTCDateTime: a datetime)
    try:
        python = kind.python_type
    except NotImplementedError:
        return lambda value: value
    if python is datetime:
        return datetime.fromisoformat
    if python is date:
        return date.fromisoformat
    if python is time:
        return time.fromisoformat
    if python is bytes:
        return base64.b64decode
    return lambda value: value


def _load_table(
    conn: Connection, table: Table, archive: tarfile.TarFile, expected: dict[str, Any] | None
) -> None:
    if expected is None:
        return  # a table this backup's release did not have: it starts empty
    # A row may refer to a row of its own table written after it (a page under a parent moved later):
    # such references are written once every row is in.
    own = [element.parent.name for element in table.foreign_keys if element.column.table is table]
    later: list[dict[str, Any]] = []
    for batch in _batched(_rows(archive, table, expected), BATCH):
        if own:
            later += [{**_key(table, row), **{f"new_{name}": row[name] for name in own}} for row in batch]
            batch = [{**row, **dict.fromkeys(own)} for row in batch]
        conn.execute(insert(table), batch)
    later = [row for row in later if any(row[f"new_{name}"] is not None for name in own)]
    if later:
        keys = [column.name for column in table.primary_key.columns]
        conn.execute(
            update(table)
            .where(*(table.c[name] == bindparam(f"key_{name}") for name in keys))
            .values({name: bindparam(f"new_{name}") for name in own}),
            later,
        )


def _key(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    return {f"key_{column.name}": row[column.name] for column in table.primary_key.columns}


def _batched(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _reset_sequences(conn: Connection) -> None:
    """Each table's id sequence continues after its highest restored id."""
    for table in Base.metadata.sorted_tables:
        column = table.c.get("id")
        if column is None or not column.autoincrement or len(table.primary_key.columns) != 1:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608  (our own names)
                f'coalesce(max(id), 0) + 1, false) FROM "{table.name}"'
            )
        )


def _restore_file(archive: tarfile.TarFile, store: FileStore, sha256: str) -> None:
    member = archive.extractfile(f"files/{sha256[:2]}/{sha256}")
    if member is None:
        raise RestoreRefused(f"the backup lacks the stored file {sha256}")
    if store.exists(sha256):
        return
    stored = store.save_stream(member, max_bytes=2**62)
    if stored.sha256 != sha256:
        raise RestoreRefused(f"the stored file {sha256} in the backup does not match its name: it is damaged")
