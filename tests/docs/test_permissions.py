"""Who may reach what in the library: every reading route (list, page, versions, each version's
download, preview, thumbnail) for every kind of user, and what each role may change."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PIL import Image

from polka.communities.models import Community, Role, Visibility
from polka.docs import services
from polka.docs.models import Document
from polka.markings import Marking
from tests.docs.conftest import DocsFactory, writing


def png_bytes() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Matrix:
    open: Community
    private: Community
    official: Document  # OFFICIAL, open community, 2 versions
    sensitive: Document  # OFFICIAL-SENSITIVE, open community
    hidden: Document  # private community
    image: Document  # an image in the open community (thumbnail)
    users: dict[str, object]


@pytest.fixture
def matrix(app, make, docs: DocsFactory) -> Matrix:
    manager = make.user("Mo Manager", two_factor=True)
    open_ = make.community(
        "Open library", managers=[manager], ceiling=Marking.OFFICIAL_SENSITIVE, visibility=Visibility.OPEN
    )
    private = make.community(
        "Private library",
        managers=[manager],
        ceiling=Marking.OFFICIAL_SENSITIVE,
        visibility=Visibility.PRIVATE,
    )
    users = {
        "outsider": make.user("Out Sider"),
        "reader": make.member(open_, make.user("Rea Der"), Role.READER),
        "member": make.member(open_, make.user("Mem Ber"), Role.MEMBER),
        "moderator": make.member(open_, make.user("Mod Erator"), Role.MODERATOR),
        "manager": manager,
        "admin": make.admin(),
    }
    make.member(private, users["member"], Role.MEMBER)
    official = docs.document(
        open_, "Liaison letter", b"Dear colleague, version one.\n", author=users["member"]
    )
    docs.version(official, users["member"], b"Dear colleague, version two.\n")
    sensitive = docs.document(
        open_,
        "Covert schedule",
        b"Need to know.\n",
        marking=Marking.OFFICIAL_SENSITIVE,
        author=users["member"],
    )
    hidden = docs.document(private, "Private minutes", b"Private text.\n", author=users["member"])
    image = docs.document(open_, "Map", png_bytes(), filename="map.png", author=users["member"])
    app.extensions["polka.jobs"].run_until_idle()  # thumbnails and text
    return Matrix(open_, private, official, sensitive, hidden, image, users)


def reading_urls(document: Document, community: Community) -> list[str]:
    base = f"/c/{community.slug}/docs/{document.id}"
    return [
        f"/c/{community.slug}/docs/",
        base,
        f"{base}/versions",
        f"{base}/download",
        *(f"{base}/versions/{n}/download" for n in range(1, document.head_number + 1)),
    ]


CAN_READ = {
    # document -> the users who may read it
    "official": {"outsider", "reader", "member", "moderator", "manager", "admin"},
    "sensitive": {"reader", "member", "moderator", "manager"},
    "hidden": {"member", "manager"},
}


@pytest.mark.parametrize("who", ["outsider", "reader", "member", "moderator", "manager", "admin"])
@pytest.mark.parametrize("which", ["official", "sensitive", "hidden"])
def test_every_reading_route_answers_by_the_policy(web, login, matrix, who, which):
    login(matrix.users[who])
    document = getattr(matrix, which)
    community = matrix.private if which == "hidden" else matrix.open
    allowed = who in CAN_READ[which]
    for url in reading_urls(document, community):
        status = web.get(url).status_code
        if url.endswith("/docs/"):  # the library itself: readable by everyone who can read the community
            expected = 200 if (which != "hidden" or who in CAN_READ["hidden"]) else 404
        else:
            expected = 200 if allowed else 404
        assert status == expected, f"{who} GET {url}: {status}"


def test_the_list_shows_only_what_the_user_may_see(web, login, matrix):
    login(matrix.users["outsider"])
    listing = web.get(f"/c/{matrix.open.slug}/docs/").get_data(as_text=True)
    assert "Liaison letter" in listing
    assert "Covert schedule" not in listing
    login(matrix.users["reader"])
    assert "Covert schedule" in web.get(f"/c/{matrix.open.slug}/docs/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client, matrix):
    for url in reading_urls(matrix.official, matrix.open):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


def test_the_thumbnail_follows_the_document(web, login, matrix):
    url = f"/c/{matrix.open.slug}/docs/{matrix.image.id}/thumbnail"
    login(matrix.users["outsider"])
    shown = web.get(url)
    assert shown.status_code == 200
    assert shown.mimetype == "image/png"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"


def test_the_thumbnail_is_404_once_the_document_is_in_a_private_community(web, login, matrix, session, docs):
    with writing(session):
        image = session.get(Document, matrix.image.id)
        services.move(
            session, session.merge(matrix.users["manager"]), image, session.merge(matrix.private), None
        )
    login(matrix.users["outsider"])
    assert web.get(f"/c/{matrix.open.slug}/docs/{matrix.image.id}/thumbnail").status_code == 404
    assert web.get(f"/c/{matrix.private.slug}/docs/{matrix.image.id}/thumbnail").status_code == 404


def test_old_versions_follow_a_document_into_a_private_community(web, login, matrix, session):
    login(matrix.users["outsider"])
    old = f"/c/{matrix.open.slug}/docs/{matrix.official.id}/versions/1/download"
    assert web.get(old).status_code == 200
    with writing(session):
        document = session.get(Document, matrix.official.id)
        services.move(
            session, session.merge(matrix.users["manager"]), document, session.merge(matrix.private), None
        )
    for url in [*reading_urls(matrix.official, matrix.open), *reading_urls(matrix.official, matrix.private)]:
        if url.endswith("/docs/"):
            continue
        assert web.get(url).status_code == 404, url
    login(matrix.users["member"])  # a member of the private community still has every version
    assert (
        web.get(f"/c/{matrix.private.slug}/docs/{matrix.official.id}/versions/1/download").status_code == 200
    )


def test_a_document_in_another_communitys_url_is_not_found(web, login, matrix):
    login(matrix.users["member"])
    assert web.get(f"/c/{matrix.private.slug}/docs/{matrix.official.id}").status_code == 404
    assert web.get(f"/c/{matrix.open.slug}/docs/999999").status_code == 404
    assert web.get(f"/c/{matrix.open.slug}/docs/{matrix.official.id}/versions/9/download").status_code == 404


CHANGES = ["edit", "move", "delete", "versions/new", "supersede"]
MAY_CHANGE = {
    "edit": {"member", "moderator", "manager"},  # the member uploaded it
    "move": {"member", "moderator", "manager"},
    "delete": {"member", "moderator", "manager"},
    "versions/new": {"member", "moderator", "manager"},
    "supersede": {"moderator", "manager"},
}


@pytest.mark.parametrize("who", ["outsider", "reader", "member", "moderator", "manager"])
@pytest.mark.parametrize("change", CHANGES)
def test_who_may_open_each_change_form(web, login, matrix, who, change):
    login(matrix.users[who])
    status = web.get(f"/c/{matrix.open.slug}/docs/{matrix.official.id}/{change}").status_code
    assert status == (200 if who in MAY_CHANGE[change] else 403), f"{who} {change}: {status}"


def test_another_member_may_add_versions_but_not_rename_or_delete(web, login, matrix, make):
    other = make.member(matrix.open, make.user("Ann Other"), Role.MEMBER)
    login(other)
    base = f"/c/{matrix.open.slug}/docs/{matrix.official.id}"
    assert web.get(f"{base}/versions/new").status_code == 200
    assert web.get(f"{base}/edit").status_code == 403
    assert web.get(f"{base}/delete").status_code == 403
    assert web.post(f"{base}/delete").status_code == 403


def test_only_managers_see_the_bin(web, login, matrix):
    for who, expected in [("member", 403), ("moderator", 403), ("manager", 200), ("outsider", 403)]:
        login(matrix.users[who])
        assert web.get(f"/c/{matrix.open.slug}/docs/bin").status_code == expected, who
