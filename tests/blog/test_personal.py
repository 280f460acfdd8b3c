"""A person's own blog: each post goes out in one of its author's communities and is seen as that
community's content is — on the person's blog page, its own page, search and feeds — and nowhere else;
it is not one of the community blog's posts. Its drafts are its author's alone."""

from __future__ import annotations

from polka.communities.models import Role, Visibility
from polka.markings import Marking
from tests.feeds.conftest import parsed, reveal
from tests.support import text

FORM = {
    "title": "What worked: our neighbourhood Twitter trial",
    "body": "Six months of a neighbourhood team account.",
    "marking": "OFFICIAL",
    "action": "publish",
}


def test_a_member_publishes_a_post_of_their_own_blog_into_a_community(app, web, login, make, session):
    community = make.community("Neighbourhood Policing")
    sam = make.member(community, make.user("Sam Patel"))
    login(sam)
    form = web.get(f"/people/{sam.id}/blog/new")
    assert form.status_code == 200
    assert "Who can read it" in text(form)
    response = web.post(f"/people/{sam.id}/blog/new", data={**FORM, "community": str(community.id)})
    assert response.status_code == 302, text(response)
    post_path = response.headers["Location"]
    assert post_path.startswith(f"/c/{community.slug}/blog/")
    shown = text(web.get(post_path))
    assert "Sam Patel’s blog, in Neighbourhood Policing" in shown
    app.extensions["polka.jobs"].run_until_idle()
    login(make.user("Reader from another force"))  # an open community: anyone signed in reads it
    blog_page = text(web.get(f"/people/{sam.id}/blog/"))
    assert "What worked: our neighbourhood Twitter trial" in blog_page
    assert "In Neighbourhood Policing" in blog_page
    assert "Twitter trial" not in text(web.get(f"/c/{community.slug}/blog/"))  # not the community blog's
    assert "Twitter trial" in text(web.get("/search?q=twitter+trial"))
    feed = parsed(web.get(f"/people/{sam.id}/blog/feed.atom?key={reveal(web)}"))
    assert [entry.title for entry in feed.entries] == ["What worked: our neighbourhood Twitter trial"]


def test_a_personal_post_into_a_private_community_is_seen_by_its_members_only(web, login, make, blog, app):
    private = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    open_one = make.community("Neighbourhood Policing")
    author = make.member(private, make.user("Sam Patel"))
    make.member(open_one, author)
    member = make.member(private)
    secret = blog.post(private, author, "Tasking lessons", personal=True)
    blog.post(open_one, author, "Market patrols", personal=True)
    app.extensions["polka.jobs"].run_until_idle()
    login(make.user("Outsider"))
    key = reveal(web)
    page = text(web.get(f"/people/{author.id}/blog/"))
    assert "Market patrols" in page
    assert "Tasking lessons" not in page
    assert "Covert Tasking" not in page
    assert web.get(f"/c/{private.slug}/blog/{secret.id}").status_code == 404
    assert "Tasking lessons" not in text(web.get("/search?q=tasking+lessons"))
    raw = web.get(f"/people/{author.id}/blog/feed.atom?key={key}").get_data(as_text=True)
    assert "Tasking lessons" not in raw
    assert "Market patrols" in raw
    login(member)
    assert "Tasking lessons" in text(web.get(f"/people/{author.id}/blog/"))
    assert web.get(f"/c/{private.slug}/blog/{secret.id}").status_code == 200


def test_a_sensitive_personal_post_is_for_the_communitys_members(web, login, make, blog):
    community = make.community("Forensics", ceiling=Marking.OFFICIAL_SENSITIVE)
    author, member = make.member(community), make.member(community)
    blog.post(community, author, "Scene lessons", personal=True, marking=Marking.OFFICIAL_SENSITIVE)
    login(make.user("Reader from elsewhere"))
    assert "Scene lessons" not in text(web.get(f"/people/{author.id}/blog/"))
    login(member)
    assert "Scene lessons" in text(web.get(f"/people/{author.id}/blog/"))


def test_a_personal_draft_is_its_authors_alone(web, login, make, blog):
    community = make.community("Neighbourhood Policing")
    author = make.member(community)
    moderator = make.member(community, role=Role.MODERATOR)
    draft = blog.post(community, author, "Year two notes", personal=True, publish=False)
    login(author)
    page = text(web.get(f"/people/{author.id}/blog/"))
    assert "Year two notes" in page
    assert "Draft" in page
    login(moderator)
    assert "Year two notes" not in text(web.get(f"/people/{author.id}/blog/"))
    assert "Year two notes" not in text(web.get(f"/c/{community.slug}/blog/"))
    assert web.get(f"/c/{community.slug}/blog/{draft.id}").status_code == 404


def test_nobody_writes_in_anothers_blog_and_a_post_goes_to_ones_own_community(web, login, make):
    community = make.community("Neighbourhood Policing")
    elsewhere = make.community("Roads Policing")
    author, other = make.member(community), make.member(community)
    login(other)
    assert web.get(f"/people/{author.id}/blog/new").status_code == 403
    login(author)
    refused = web.post(f"/people/{author.id}/blog/new", data={**FORM, "community": str(elsewhere.id)})
    assert refused.status_code == 400
    assert "Choose who can read it" in text(refused)
    assert "Six months of a neighbourhood team account." in refused.get_data(as_text=True)
    lonely = login(make.user("Member of nothing"))
    form = web.get(f"/people/{lonely.id}/blog/new")  # someone in no community writes to everyone
    assert form.status_code == 200
    assert "Everyone signed in to POLKA (OFFICIAL only)" in text(form)


def test_a_community_moderator_may_unpublish_a_personal_post_published_there(web, login, make, blog):
    community = make.community("Neighbourhood Policing")
    author = make.member(community)
    moderator = make.member(community, role=Role.MODERATOR)
    post = blog.post(community, author, "Market patrols", personal=True)
    login(moderator)
    assert web.post(f"/c/{community.slug}/blog/{post.id}/unpublish").status_code == 302
    login(make.user("Reader"))
    assert "Market patrols" not in text(web.get(f"/people/{author.id}/blog/"))


def test_a_profile_leads_to_the_persons_blog(web, login, make):
    community = make.community("Neighbourhood Policing")
    sam = make.member(community, make.user("Sam Patel"))
    login(sam)
    page = web.get(f"/people/{sam.id}").get_data(as_text=True)
    assert f'href="/people/{sam.id}/blog/">Your blog</a>' in page
    login(make.user("Colleague"))
    page = web.get(f"/people/{sam.id}").get_data(as_text=True)
    assert f'href="/people/{sam.id}/blog/">Blog of Sam Patel</a>' in page
