"""Following a blog (a community's or a person's) or one of its tags (core subscriptions, listed on the
account's following page), and
the Atom feed of a blog and of a tag: valid, trimmed to the reader at the moment it is read, through the
personal feed key, never carrying an OFFICIAL-SENSITIVE post's title, text or address."""

from __future__ import annotations

from polka.blog.services import PostFields, update_post
from polka.communities.models import Visibility
from polka.markings import Marking
from tests.feeds.conftest import parsed, reveal
from tests.support import text, writing_as_a_request


def test_a_reader_follows_the_blog_and_a_tag(web, login, make, blog):
    community = make.community("Neighbourhood Policing")
    blog.post(community, make.member(community), "Rural crime week", tags="rural crime")
    login(make.user("Reader from another force"))
    base = f"/c/{community.slug}/blog"
    assert "Follow the blog" in text(web.get(f"{base}/"))
    assert web.post(f"{base}/follow", data={"following": "yes"}).status_code == 302
    assert "Stop following the blog" in text(web.get(f"{base}/"))
    tagged = text(web.get(f"{base}/?tag=rural+crime"))
    assert "Follow this tag" in tagged
    tag_form = web.get(f"{base}/?tag=rural+crime").get_data(as_text=True)
    action = tag_form.split(f'action="{base}/tags/')[1].split('"')[0]
    assert web.post(f"{base}/tags/{action}", data={"following": "yes"}).status_code == 302
    following = text(web.get("/account/following"))
    assert "Neighbourhood Policing blog" in following
    assert "“rural crime” in the Neighbourhood Policing blog" in following
    assert "Follow" not in text(web.get(f"{base}/?tag=never+used"))  # no such tag: nothing to follow
    assert web.post(f"{base}/tags/999/follow", data={"following": "yes"}).status_code == 404


def test_a_reader_follows_a_persons_blog(web, login, make, blog):
    sam = make.user("Sam Patel")
    blog.post(None, sam, "Starting a team account")
    login(sam)
    assert "Follow the blog" not in text(web.get(f"/people/{sam.id}/blog/"))  # not one's own
    login(make.user("Reader from another force"))
    base = f"/people/{sam.id}/blog"
    assert "Follow the blog" in text(web.get(f"{base}/"))
    followed = web.post(f"{base}/follow", data={"following": "yes"})
    assert followed.headers["Location"].endswith(f"{base}/")
    assert "Stop following the blog" in text(web.get(f"{base}/"))
    assert "Sam Patel’s blog" in text(web.get("/account/following"))
    assert web.post(f"{base}/follow", data={"following": "no"}).status_code == 302
    assert "Sam Patel’s blog" not in text(web.get("/account/following"))
    assert web.post("/people/99999/blog/follow", data={"following": "yes"}).status_code == 404


def test_a_private_blog_cannot_be_followed_by_outsiders(web, login, make, blog):
    community = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    blog.post(community, make.member(community), "Tasking lessons", tags="tasking")
    login(make.user("Outsider"))
    assert web.post(f"/c/{community.slug}/blog/follow", data={"following": "yes"}).status_code == 404
    assert web.post(f"/c/{community.slug}/blog/tags/1/follow", data={"following": "yes"}).status_code == 404


def test_the_blog_and_tag_feeds_are_trimmed_to_the_reader(app, web, login, make, blog, session):
    community = make.community("Forensics", ceiling=Marking.OFFICIAL_SENSITIVE)
    writer = make.member(community)
    reader = make.member(community)
    blog.post(
        community,
        writer,
        "Scene lessons",
        body="Tape **first**.",
        tags="scenes",
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    blog.post(community, writer, "Open training write-up", body="The **day** went well.", tags="scenes")
    blog.post(community, writer, "Draft notes", publish=False, tags="scenes")
    login(reader)
    key = reveal(web)
    feed = parsed(web.get(f"/c/{community.slug}/blog/feed.atom?key={key}"))
    entries = {entry.title: entry for entry in feed.entries}
    assert set(entries) == {
        "Open training write-up",
        "An OFFICIAL-SENSITIVE blog post was changed – open POLKA to read it",
    }
    assert "The <strong>day</strong> went well." in entries["Open training write-up"].content[0].value
    raw = web.get(f"/c/{community.slug}/blog/feed.atom?key={key}").get_data(as_text=True)
    assert "Scene lessons" not in raw
    assert "Tape" not in raw
    assert "Draft notes" not in raw
    tag_feed = parsed(web.get(f"/c/{community.slug}/blog/feed.atom?tag=scenes&key={key}"))
    assert len(tag_feed.entries) == 2
    assert parsed(web.get(f"/c/{community.slug}/blog/feed.atom?tag=other&key={key}")).entries == []
    login(make.user("Reader from elsewhere"))
    outsider = parsed(web.get(f"/c/{community.slug}/blog/feed.atom?key={reveal(web)}"))
    assert [entry.title for entry in outsider.entries] == ["Open training write-up"]


def test_a_post_changed_or_unpublished_shows_in_the_feed_as_it_is_now(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    post = blog.post(community, writer, "Ward panels")
    login(writer)
    key = reveal(web)
    with writing_as_a_request(session):
        found = session.merge(blog.fresh(post))
        update_post(session, session.merge(writer), found, PostFields("Ward panels: new dates", "Moved."))
    feed = parsed(web.get(f"/c/{community.slug}/blog/feed.atom?key={key}"))
    assert [entry.title for entry in feed.entries] == ["Ward panels: new dates"]
    assert web.post(f"/c/{community.slug}/blog/{post.id}/unpublish").status_code == 302
    assert parsed(web.get(f"/c/{community.slug}/blog/feed.atom?key={key}")).entries == []
