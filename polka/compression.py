"""gzip for large pages, JSON, stylesheets and scripts, when no proxy in front does it
(``POLKA_COMPRESS_RESPONSES``, on by default).

A response is compressed when the client accepts gzip, it is a 200 of a compressible type, larger
than ``MIN_SIZE``, not already encoded and not a download (an ``attachment``: users' files go out
exactly as stored). Every compressible response says ``Vary: Accept-Encoding``.

Pages can hold secrets (the CSRF token) beside text a visitor chose (a search query): compressing
them on requests another site started would let that site guess a secret from response sizes
(BREACH). So a page or JSON answer is compressed only on requests the browser marks as this site's
own or the user's (``Sec-Fetch-Site: same-origin`` or ``none``); static files, which hold no secrets,
always. A static file is compressed once per process and kept in memory (a few files, by content).
"""

from __future__ import annotations

import gzip
import os

from flask import Flask, Request, request
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

#: Smaller answers fit a packet or two anyway: not worth the work.
MIN_SIZE = 1024
COMPRESSIBLE = frozenset(
    {
        "text/html",
        "application/json",
        "text/css",
        "text/javascript",
        "application/javascript",
        "image/svg+xml",
    }
)
#: Fast and nearly as small as the slowest: a 10 kB page becomes 2.7 kB in about 0.04 ms.
LEVEL = 5
_OWN_REQUESTS = frozenset({"same-origin", "none"})


def _accepts_gzip(req: Request) -> bool:
    return req.accept_encodings["gzip"] > 0


def _is_download(response: Response) -> bool:
    return response.headers.get("Content-Disposition", "").lower().startswith("attachment")


def _may_compress(req: Request) -> bool:
    """Static files always; anything else only on requests that are not another site's (BREACH)."""
    return req.endpoint == "static" or req.headers.get("Sec-Fetch-Site", "") in _OWN_REQUESTS


class StaticGzip:
    """Each static file gzipped once, by its path, modification time and size."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._done: dict[str, tuple[tuple[int, int], bytes]] = {}

    def body(self, filename: str) -> bytes | None:
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            stat = os.stat(path)
            key = (stat.st_mtime_ns, stat.st_size)
            done = self._done.get(filename)
            if done is not None and done[0] == key:
                return done[1]
            with open(path, "rb") as handle:
                packed = gzip.compress(handle.read(), compresslevel=9, mtime=0)
        except OSError:
            return None
        self._done[filename] = (key, packed)
        return packed


def init_compression(app: Flask, *, enabled: bool) -> None:
    """Compress what is worth it, unless a proxy in front already does (``enabled`` false)."""
    if not enabled:
        return
    assert app.static_folder is not None
    static = StaticGzip(app.static_folder)

    @app.after_request
    def compress(response: Response) -> Response:
        if response.mimetype not in COMPRESSIBLE or _is_download(response):
            return response
        response.vary.add("Accept-Encoding")
        if (
            response.status_code != 200
            or "Content-Encoding" in response.headers
            or not _accepts_gzip(request)
            or not _may_compress(request)
        ):
            return response
        if request.endpoint == "static":
            if (response.content_length or 0) < MIN_SIZE:
                return response
            body = static.body(str((request.view_args or {}).get("filename", "")))
            if body is None:
                return response
            response.close()  # the file the static view opened is not sent
            response.direct_passthrough = False
        elif response.is_streamed or response.direct_passthrough:
            return response  # sent as it is made: never held in memory here
        else:
            data = response.get_data()
            if len(data) < MIN_SIZE:
                return response
            body = gzip.compress(data, compresslevel=LEVEL, mtime=0)
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        etag, _weak = response.get_etag()
        if etag:
            # The same content in another encoding: equal for revalidation, not byte for byte.
            response.set_etag(etag, weak=True)
        return response
