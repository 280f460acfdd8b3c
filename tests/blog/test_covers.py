"""A post's cover image through the pages: only pictures are taken, re-encoded without their metadata
(the EXIF location included) and turned as their EXIF says; a decompression bomb, an SVG and an HTML
file called .jpg are refused with a message and the text kept; a cover needs its description; it is
served from POLKA's own address as its image type with ``nosniff``, to whoever may see the post."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from polka.blog.models import BlogPost
from polka.communities.models import Visibility
from tests.docs import samples
from tests.support import text

FORM = {
    "title": "What worked: our Twitter trial",
    "body": "Six months of a neighbourhood account.",
    "marking": "OFFICIAL",
    "action": "publish",
}


def _photo_with_location(path: Path) -> Path:
    """A JPEG taken on its side (EXIF orientation 6) with a GPS position and a camera maker."""
    image = Image.new("RGB", (640, 480), (40, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # turn 90° clockwise to show
    exif[0x010F] = "Police camera maker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 0.0), "W", (0.0, 7.0, 0.0)
    image.save(path, format="JPEG", exif=exif.tobytes())
    return path


def _send(web, community, tmp_path: Path, name: str, data: bytes, **fields):
    return web.post(
        f"/c/{community.slug}/blog/new",
        data={**FORM, **fields, "cover": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_cover_is_kept_reencoded_without_its_location_and_shown_with_its_description(
    web, login, make, session, tmp_path
):
    community = make.community("Neighbourhood Policing")
    login(make.member(community))
    photo = _photo_with_location(tmp_path / "trial.jpg").read_bytes()
    assert b"Police camera maker" in photo
    response = _send(web, community, tmp_path, "trial.jpg", photo, cover_alt="Two PCSOs at a market stall")
    assert response.status_code == 302, text(response)
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    session.rollback()
    post = session.scalars(select(BlogPost)).one()
    assert f'src="/c/{community.slug}/blog/{post.id}/cover" alt="Two PCSOs at a market stall"' in page
    served = web.get(f"/c/{community.slug}/blog/{post.id}/cover")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in served.headers.get("Content-Disposition", "")
    kept = Image.open(io.BytesIO(served.data))
    assert kept.size == (480, 640)  # turned as its EXIF said, then the EXIF dropped
    assert not kept.getexif()
    assert b"Police camera maker" not in served.data
    again = web.get(
        f"/c/{community.slug}/blog/{post.id}/cover", headers={"If-None-Match": served.headers["ETag"]}
    )
    assert again.status_code == 304
    index = web.get(f"/c/{community.slug}/blog/").get_data(as_text=True)
    assert 'alt="Two PCSOs at a market stall"' in index


def test_what_is_not_a_picture_is_refused_with_the_text_kept(web, login, make, session, tmp_path):
    community = make.community("Neighbourhood Policing")
    login(make.member(community))
    refused = {
        "page.jpg": (b"<html><script>alert(1)</script></html>", "The cover must be a picture"),
        "logo.svg": (samples.svg(tmp_path / "logo.svg").read_bytes(), "The cover must be a picture"),
        "bomb.png": (
            samples.png_claiming(tmp_path / "bomb.png", 60_000, 60_000).read_bytes(),
            "The cover image has too many pixels",
        ),
        "big.png": (
            samples.png_claiming(tmp_path / "big.png", 10_000, 10_000).read_bytes(),
            "The cover image has too many pixels (10,000 × 10,000)",
        ),
    }
    for name, (data, message) in refused.items():
        response = _send(web, community, tmp_path, name, data, cover_alt="A picture")
        assert response.status_code == 400, name
        assert message in text(response), name
        assert "Six months of a neighbourhood account." in response.get_data(as_text=True), name
    session.rollback()
    assert session.scalars(select(BlogPost)).all() == []


def test_a_cover_needs_its_description_and_is_kept_for_the_next_try(web, login, make, session, tmp_path):
    community = make.community("Neighbourhood Policing")
    login(make.member(community))
    png = samples.png(tmp_path / "a.png", 300, 200).read_bytes()
    response = _send(web, community, tmp_path, "a.png", png)
    assert response.status_code == 400
    assert "Describe the cover image for people who cannot see it" in text(response)
    page = response.get_data(as_text=True)
    assert "The picture you chose is kept" in page
    kept = page.split('name="cover_kept" value="')[1].split('"')[0]
    again = web.post(
        f"/c/{community.slug}/blog/new",
        data={**FORM, "cover_kept": kept, "cover_alt": "A blue square"},
        content_type="multipart/form-data",
    )
    assert again.status_code == 302
    session.rollback()
    post = session.scalars(select(BlogPost)).one()
    assert post.cover_sha256 is not None
    assert post.cover_alt == "A blue square"
    forged = web.post(
        f"/c/{community.slug}/blog/new",
        data={**FORM, "cover_kept": kept + "x", "cover_alt": "Forged"},
        content_type="multipart/form-data",
    )
    assert forged.status_code == 302
    session.rollback()
    assert session.scalars(select(BlogPost).order_by(BlogPost.id.desc())).first().cover_sha256 is None


def test_a_cover_is_removed_and_is_not_served_to_those_who_may_not_see_the_post(
    web, login, make, session, tmp_path
):
    community = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    writer = make.member(community)
    login(writer)
    png = samples.png(tmp_path / "a.png", 300, 200).read_bytes()
    location = _send(web, community, tmp_path, "a.png", png, cover_alt="A square").headers["Location"]
    cover = f"{location}/cover"
    assert web.get(cover).status_code == 200
    login(make.user("Outsider"))
    assert web.get(cover).status_code == 404
    login(writer)
    response = web.post(
        f"{location}/edit",
        data={**FORM, "action": "save", "remove_cover": "y", "cover_alt": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text(response)
    assert web.get(cover).status_code == 404
