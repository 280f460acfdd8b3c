"""Small PNG thumbnails of uploaded raster images.

Only the raster formats POLKA previews are opened (never SVG or anything a browser could run), and an
image's size is checked from its header before any pixel is decoded, so a decompression bomb is refused
without the memory it asks for. The thumbnail is re-encoded, so no metadata (EXIF location…) survives.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

THUMBNAIL_SIDE = 320
#: About 160 MB of RGBA pixels: more than any photograph, less than a decompression bomb.
MAX_PIXELS = 40_000_000
FORMATS = ["PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF"]


class ThumbnailRefused(Exception):
    """No thumbnail is made of this file; the message says why."""


def make_thumbnail(path: Path, *, side: int = THUMBNAIL_SIDE, max_pixels: int = MAX_PIXELS) -> bytes:
    """A PNG at most ``side`` pixels each way of the image's first frame, turned as its EXIF says.

    Raises ThumbnailRefused: not a raster image, too many pixels, or damaged.
    """
    try:
        # Pillow's own bomb check only warns below twice its limit; ours refuses first, so silence it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path, formats=FORMATS)
    except UnidentifiedImageError:
        raise ThumbnailRefused("The file is not an image POLKA makes previews of.") from None
    except Image.DecompressionBombError:
        raise ThumbnailRefused(
            f"The image is too large to preview (more than {max_pixels:,} pixels)."
        ) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ThumbnailRefused("The image is damaged and cannot be shown.") from exc
    with image:
        width, height = image.size
        if width * height > max_pixels:
            raise ThumbnailRefused(
                f"The image is too large to preview ({width:,} × {height:,} pixels; "
                f"at most {max_pixels:,} pixels)."
            )
        try:
            return _thumbnail(image, side)
        except MemoryError as exc:
            raise ThumbnailRefused("The image is too large to preview.") from exc
        except Exception as exc:  # a damaged image fails while its pixels are decoded, in many ways
            raise ThumbnailRefused("The image is damaged and cannot be shown.") from exc


def _thumbnail(image: Image.Image, side: int) -> bytes:
    image.seek(0)  # the first frame of an animation
    if image.format == "JPEG":
        image.draft("RGB", (side, side))  # decode at a fraction of the size when that is enough
    frame = ImageOps.exif_transpose(image)
    frame = frame.convert("RGBA" if _has_alpha(frame) else "RGB")
    frame.thumbnail((side, side))
    out = io.BytesIO()
    frame.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode == "P" and "transparency" in image.info
    )
