"""A post's cover image: a raster picture re-encoded by POLKA, never the file as it was sent.

Only JPEG, PNG, WebP and GIF files are opened (never SVG, HTML or anything a browser could run); the
image's size is read from its header before a pixel is decoded, so a decompression bomb is refused
without the memory it asks for; the picture is turned as its EXIF says, scaled down to ``MAX_SIDE`` and
written again as a JPEG (a PNG when it has transparency), so no metadata survives — no camera, no time,
no EXIF location. What is kept is served from POLKA's own address as that image type, with ``nosniff``.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.blog.models import BlogPost
from polka.errors import ValidationError
from polka.storage import FileStore

#: The largest file accepted as a cover, in bytes.
MAX_BYTES = 10 * 1024 * 1024
#: Pixels an image may have, read from its header (about 160 MB decoded): more than any photograph.
MAX_PIXELS = 40_000_000
#: The longest side of a kept cover, in pixels: wide enough for a desktop page.
MAX_SIDE = 1600
FORMATS = ["JPEG", "PNG", "WEBP", "GIF"]
JPEG_QUALITY = 85


@dataclass(frozen=True)
class Cover:
    """A cover as POLKA keeps it."""

    data: bytes
    media_type: str
    width: int
    height: int


def _refused(message: str) -> ValidationError:
    return ValidationError(message, {"cover": message})


def prepare(upload: IO[bytes]) -> Cover:
    """The picture in ``upload`` re-encoded as a cover; ``ValidationError`` on ``cover`` saying why not."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refused(f"The cover image must be {MAX_BYTES // (1024 * 1024)} MB or smaller")
    try:
        # Pillow's own bomb check only warns below twice its limit; ours refuses first, so silence it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError:
        raise _refused("The cover must be a picture: a JPEG, PNG, WebP or GIF file") from None
    except Image.DecompressionBombError:
        raise _refused(_too_many_pixels()) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise _refused("The cover image is damaged: choose another") from exc
    with image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _refused(_too_many_pixels(width, height))
        try:
            return _reencoded(image)
        except MemoryError as exc:
            raise _refused(_too_many_pixels(width, height)) from exc
        except Exception as exc:  # a damaged image fails while its pixels are decoded, in many ways
            raise _refused("The cover image is damaged: choose another") from exc


def _too_many_pixels(width: int = 0, height: int = 0) -> str:
    size = f" ({width:,} × {height:,})" if width else ""
    return f"The cover image has too many pixels{size}: at most {MAX_PIXELS:,}. Use a smaller picture"


def _reencoded(image: Image.Image) -> Cover:
    image.seek(0)  # the first frame of an animation
    frame = ImageOps.exif_transpose(image)
    alpha = frame.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        frame.mode == "P" and "transparency" in frame.info
    )
    frame = frame.convert("RGBA" if alpha else "RGB")
    frame.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if alpha:
        frame.save(out, format="PNG", optimize=True)
    else:
        frame.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return Cover(out.getvalue(), "image/png" if alpha else "image/jpeg", frame.width, frame.height)


def store(files: FileStore, cover: Cover) -> str:
    """Keep the cover's bytes in the file store (before any row names them); its sha256."""
    return files.save_stream(io.BytesIO(cover.data), MAX_BYTES).sha256


def stored_hashes(session: Session) -> set[str]:
    """Every cover a post refers to, for the file store's collector."""
    return set(session.scalars(select(BlogPost.cover_sha256).where(BlogPost.cover_sha256.is_not(None))))
