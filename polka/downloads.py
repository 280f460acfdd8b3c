"""Sending stored files to a browser: always as a download, never shown inline.

Every download is an ``attachment`` with an RFC 6266 file name (an ASCII fallback and the exact name as
``filename*``), ``nosniff``, the type read from the content (types a browser could run are sent as
``application/octet-stream``), a sandboxing Content-Security-Policy in case a browser opens one anyway,
and ``no-store`` so a shared machine keeps no copy. Permission is the caller's job, on every request.
"""

from __future__ import annotations

import unicodedata
from typing import BinaryIO
from urllib.parse import quote

from flask import Response, send_file

from polka.filetypes import served_type

#: A browser that opens a download anyway gets a sandboxed document that may load nothing.
DOWNLOAD_CSP = "sandbox; default-src 'none'"


def content_disposition(name: str, disposition: str = "attachment") -> str:
    """``attachment`` with an ASCII fallback name and the exact name as an RFC 6266 ``filename*``."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(ch if ch.isprintable() and ch not in '"\\' else "_" for ch in fallback).strip()
    return f"{disposition}; filename=\"{fallback or 'download'}\"; filename*=UTF-8''{quote(name, safe='')}"


def send_download(handle: BinaryIO, *, name: str, media_type: str, size: int) -> Response:
    """A response streaming ``handle`` (closed when sent) as a download called ``name``."""
    response = send_file(
        handle,
        mimetype=served_type(media_type),
        as_attachment=True,
        download_name=name,
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cache-Control"] = "no-store"
    response.content_length = size
    return response
