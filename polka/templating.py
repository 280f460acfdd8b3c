"""Jinja filters and globals shared by every template: Markdown, dates in UK time, assets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, render_template
from jinja2 import FileSystemBytecodeCache
from markupsafe import Markup

from polka.characters import clean_output
from polka.markup import render_markdown

LONDON = ZoneInfo("Europe/London")


def uk_datetime(value: datetime | None) -> str:
    """``24 November 2026, 2:05pm`` in UK time."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y}, {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def uk_time(value: datetime | None) -> str:
    """``2:05pm`` in UK time."""
    if value is None:
        return ""
    return f"{value.astimezone(LONDON):%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def uk_date(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y}"


def iso(value: datetime | None) -> str:
    """A machine-readable UTC time for ``<time datetime>``: ``2026-11-24T14:05:09Z``.

    Whole seconds, because HTML allows at most three digits of a fraction and nobody reads more.
    """
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def markdown(source: str | None) -> Markup:
    return render_markdown(source or "")


def filesize(size: int | None) -> str:
    """A byte count as people read it: 512 bytes, 14 KB, 3.2 MB."""
    size = size or 0
    if size < 1024:
        return f"{size} bytes" if size != 1 else "1 byte"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def render_xml(template: str, **context: Any) -> str:
    """An XML template (a feed) rendered so that it holds no character XML cannot carry, whatever the
    database holds: each one becomes U+FFFD (``polka.characters.clean_output``)."""
    return clean_output(render_template(template, **context))


def init_templating(app: Flask, cache_dir: Path) -> None:
    """Filters, extensions and a bytecode cache: each template is compiled once per process (Flask's
    ``TEMPLATES_AUTO_RELOAD`` is off outside debug mode), and a new process (a restarted worker) loads
    the compiled code from ``cache_dir`` instead of compiling again; entries are keyed by the template's
    source, so an edited template is never served stale."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(cache_dir))
    app.jinja_env.filters.update(
        uk_datetime=uk_datetime,
        uk_date=uk_date,
        uk_time=uk_time,
        iso=iso,
        markdown=markdown,
        filesize=filesize,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
