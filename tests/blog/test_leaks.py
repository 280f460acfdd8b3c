"""A draft or a scheduled post is its writer's and the moderators' until its time comes, on every exit:
the index, a tag's page, the archive and its counts, a month's page, "more from this blog", the
community home, its activity, search, the personal feed and other items' links. A private community's
blog is not found by outsiders, and an OFFICIAL-SENSITIVE post is for members only."""

from __future__ import annotations

from datetime import timedelta

from polka.communities.models import Visibility
from polka.db import utcnow
from polka.markings import Marking
from tests.feeds.conftest import parsed, reveal
from tests.support import text


def _month(post) -> str:
    at = post.published_at
    return f"{at.year}/{at.month}"


def test_drafts_and_scheduled_posts_leave_no_trace_for_other_readers(app, web, login, make, blog, wiki):
    community = make.community("Neighbourhood Policing")
    writer, reader = make.member(community), make.member(community)
    shown = blog.post(community, writer, "Rural crime week", tags="rural")
    blog.post(community, writer, "Secret plans draft", publish=False, tags="rural")
    blog.post(community, writer, "Secret plans scheduled", at=utcnow() + timedelta(days=2), tags="rural")
    wiki.page(community, "Links", "See [[blog:2]] and [[blog:3]] and [[blog:1]].\n", author=writer)
    app.extensions["polka.jobs"].run_until_idle()
    login(reader)
    key = reveal(web)
    blog_home = f"/c/{community.slug}/blog"
    pages = {
        "index": f"{blog_home}/",
        "tag": f"{blog_home}/?tag=rural",
        "month": f"{blog_home}/{_month(shown)}/",
        "post": f"{blog_home}/{shown.id}",
        "community home": f"/c/{community.slug}/",
        "search": "/search?q=plans",
        "community search": f"/c/{community.slug}/search?q=secret",
        "wiki page": f"/c/{community.slug}/wiki/links",
    }
    for name, path in pages.items():
        page = text(web.get(path))
        assert "Secret plans" not in page, name
    assert "Rural crime week" in text(web.get(f"{blog_home}/?tag=rural"))
    assert f"{utcnow():%B %Y} (1)" in text(web.get(f"{blog_home}/"))  # the archive counts one post
    assert "Rural crime week" in text(web.get(f"/c/{community.slug}/wiki/links"))
    feed = parsed(web.get(f"/feeds/mine.atom?key={key}"))
    assert not [entry for entry in feed.entries if "Secret plans" in entry.title]
    assert [entry for entry in feed.entries if "Rural crime week" in entry.title]
    for post_id in (2, 3):
        assert web.get(f"/o/blog/{post_id}").status_code == 404
    login(writer)
    index = text(web.get(f"{blog_home}/"))
    assert "Secret plans draft" in index
    assert "Secret plans scheduled" in index
    assert "Secret plans" not in text(web.get(f"{blog_home}/?tag=rural"))  # lists of published posts only


def test_a_private_communitys_blog_is_not_found_by_outsiders(web, login, make, blog):
    community = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    member = make.member(community)
    post = blog.post(community, member, "Tasking lessons")
    login(make.user("Outsider"))
    base = f"/c/{community.slug}/blog"
    for path in (
        "/",
        "/2026/12/",
        f"/{post.id}",
        f"/{post.id}/history",
        f"/{post.id}/edit",
        "/new",
        "/settings",
        f"/{post.id}/cover",
        "/feed.atom",
        "/feed.atom?tag=tasking",
        "/deleted",
    ):
        assert web.get(f"{base}{path}").status_code == 404, path
    for path in (f"/{post.id}/publish", f"/{post.id}/unpublish", f"/{post.id}/delete"):
        assert web.post(f"{base}{path}").status_code == 404, path
    assert "Tasking lessons" not in text(web.get("/search?q=tasking"))


def test_a_sensitive_post_is_for_members_only(web, login, make, blog, app):
    community = make.community("Forensics", ceiling=Marking.OFFICIAL_SENSITIVE)
    member = make.member(community)
    secret = blog.post(community, member, "Scene lessons", marking=Marking.OFFICIAL_SENSITIVE)
    blog.post(community, member, "Open training write-up")
    app.extensions["polka.jobs"].run_until_idle()
    login(make.user("Reader from elsewhere"))
    index = text(web.get(f"/c/{community.slug}/blog/"))
    assert "Open training write-up" in index
    assert "Scene lessons" not in index
    assert "(1)" in index  # the archive counts what this reader may see
    assert web.get(f"/c/{community.slug}/blog/{secret.id}").status_code == 404
    assert "Scene lessons" not in text(web.get("/search?q=scene+lessons"))
    login(member)
    shown = text(web.get(f"/c/{community.slug}/blog/{secret.id}"))
    assert "Scene lessons" in shown
    assert "OFFICIAL-SENSITIVE" in shown
