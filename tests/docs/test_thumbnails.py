"""Thumbnails of uploaded images: small, turned the right way, and never made of a decompression bomb or
anything that is not a raster image."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from polka.docs.thumbnails import THUMBNAIL_SIDE, ThumbnailRefused, make_thumbnail
from polka.filetypes import Family, detect
from tests.docs import samples


def opened(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png), formats=["PNG"])
    image.load()
    return image


def test_png_thumbnail_keeps_its_shape_within_the_side(tmp_path: Path) -> None:
    path = samples.png(tmp_path / "a.png", 1600, 800)
    assert detect(path).family is Family.IMAGE

    thumbnail = opened(make_thumbnail(path))

    assert thumbnail.format == "PNG"
    assert thumbnail.size == (THUMBNAIL_SIDE, THUMBNAIL_SIDE // 2)
    assert thumbnail.getpixel((10, 10)) == (20, 90, 160)


def test_small_image_is_not_enlarged(tmp_path: Path) -> None:
    path = samples.png(tmp_path / "a.png", 40, 30)

    assert opened(make_thumbnail(path)).size == (40, 30)


def test_jpeg_is_turned_as_its_exif_says_and_loses_its_metadata(tmp_path: Path) -> None:
    path = samples.jpeg(tmp_path / "a.jpg", 640, 480, orientation=6)  # stored landscape, shown portrait
    assert detect(path).family is Family.IMAGE

    thumbnail = opened(make_thumbnail(path))

    assert thumbnail.size == (240, 320)
    assert "exif" not in thumbnail.info
    assert not thumbnail.getexif()


def test_first_frame_of_an_animation_is_used(tmp_path: Path) -> None:
    path = samples.gif_animation(tmp_path / "a.gif", [(255, 0, 0), (0, 0, 255), (0, 255, 0)])
    assert detect(path).family is Family.IMAGE

    thumbnail = opened(make_thumbnail(path))

    assert thumbnail.size == (40, 40)
    assert thumbnail.convert("RGB").getpixel((20, 20)) == (255, 0, 0)


def test_transparency_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(path)

    assert opened(make_thumbnail(path)).getpixel((5, 5)) == (0, 0, 0, 0)


def test_image_claiming_too_many_pixels_is_refused_before_decoding(tmp_path: Path) -> None:
    path = samples.png_claiming(tmp_path / "bomb.png", 60_000, 60_000)
    assert path.stat().st_size < 100
    assert detect(path).family is Family.IMAGE

    with pytest.raises(ThumbnailRefused, match="too large to preview"):
        make_thumbnail(path)


def test_image_over_our_cap_but_under_pillows_is_refused_quietly(tmp_path: Path) -> None:
    # 10,000 × 10,000 is over our 40 megapixels and between Pillow's warning and error thresholds;
    # a warning would fail this test (warnings are errors here).
    path = samples.png_claiming(tmp_path / "big.png", 10_000, 10_000)

    with pytest.raises(ThumbnailRefused, match=r"too large to preview \(10,000 × 10,000 pixels"):
        make_thumbnail(path)


def test_pixel_cap_can_be_lowered(tmp_path: Path) -> None:
    path = samples.png(tmp_path / "a.png", 100, 100)

    with pytest.raises(ThumbnailRefused, match="too large"):
        make_thumbnail(path, max_pixels=9_999)


def test_svg_is_refused(tmp_path: Path) -> None:
    path = samples.svg(tmp_path / "a.svg")

    with pytest.raises(ThumbnailRefused, match="not an image POLKA makes previews of"):
        make_thumbnail(path)


def test_other_raster_formats_pillow_knows_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.ico"
    Image.new("RGB", (16, 16)).save(path, format="ICO")

    with pytest.raises(ThumbnailRefused, match="not an image POLKA makes previews of"):
        make_thumbnail(path)


def test_truncated_image_is_refused_as_damaged(tmp_path: Path) -> None:
    whole = samples.jpeg(tmp_path / "whole.jpg", 400, 300)
    path = tmp_path / "cut.jpg"
    path.write_bytes(whole.read_bytes()[:400])

    with pytest.raises(ThumbnailRefused, match="damaged"):
        make_thumbnail(path)
