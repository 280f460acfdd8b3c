"""Reading a blog: newest first a page at a time, the archive by UK month (a post at 00:30 on the 1st
is that month's), tags, "more from this blog" and the reading time."""

from __future__ import annotations

from datetime import UTC, datetime

from polka.blog import reads
from polka.blog.months import uk_month
from tests.support import text, writing_as_a_request


def _dated(session, blog, post, at: datetime) -> None:
    with writing_as_a_request(session):
        found = session.merge(blog.fresh(post))
        found.published_at, found.published_month = at, uk_month(at)


def test_the_index_shows_the_newest_first_a_page_at_a_time(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    posts = [blog.post(community, writer, f"Weekly update {n}") for n in range(reads.PER_PAGE + 2)]
    for n, post in enumerate(posts):
        _dated(session, blog, post, datetime(2026, 1, 1 + n, 9, tzinfo=UTC))
    login(writer)
    first = text(web.get(f"/c/{community.slug}/blog/"))
    assert first.index("Weekly update 11") < first.index("Weekly update 2")
    assert "Weekly update 1 " not in first
    assert "Next page" in first
    second = text(web.get(f"/c/{community.slug}/blog/?page=2"))
    assert "Weekly update 1" in second
    assert "Weekly update 0" in second


def test_the_archive_counts_posts_by_uk_month(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    june = blog.post(community, writer, "Monthly news for June")
    may = blog.post(community, writer, "Monthly news for May")
    _dated(session, blog, june, datetime(2026, 5, 31, 23, 30, tzinfo=UTC))  # 00:30 on 1 June, UK time
    _dated(session, blog, may, datetime(2026, 5, 31, 22, 30, tzinfo=UTC))  # 23:30 on 31 May
    login(writer)
    index = text(web.get(f"/c/{community.slug}/blog/"))
    assert "June 2026 (1)" in index
    assert "May 2026 (1)" in index
    shown = text(web.get(f"/c/{community.slug}/blog/2026/6/"))
    assert "Posts from June 2026" in shown
    assert "Monthly news for June" in shown
    assert "Monthly news for May" not in shown
    assert "No posts from April 2026." in text(web.get(f"/c/{community.slug}/blog/2026/4/"))
    for bad in ("2026/13/", "2026/0/", "1066/10/"):
        assert web.get(f"/c/{community.slug}/blog/{bad}").status_code == 404, bad


def test_a_post_shows_more_from_its_blog_and_its_reading_time(web, login, make, blog):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    long = blog.post(community, writer, "The Twitter trial", body=" ".join(["word"] * 1000))
    for n in range(4):
        blog.post(community, writer, f"Other post {n}")
    login(writer)
    shown = text(web.get(f"/c/{community.slug}/blog/{long.id}"))
    assert "5 minutes to read" in shown
    assert "More from this blog" in shown
    assert "Other post 3" in shown
    assert "Other post 0" not in shown
