"""Deleted posts: restored by the community's managers within the restore window, as they were (a draft
stays a draft), and listed for no one else; a private community's list is not found by outsiders."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from polka.blog import bin
from polka.blog.models import BlogPost, PostStatus
from polka.communities.models import Role, Visibility
from polka.content.mixins import RESTORE_DAYS
from polka.db import transaction, utcnow
from tests.communities.support import activity_verbs
from tests.support import text, writing_as_a_request


def _delete(web, login, writer, post) -> None:
    login(writer)
    response = web.post(f"/c/{post.community.slug}/blog/{post.id}/delete")
    assert response.status_code == 302


def test_a_manager_restores_a_deleted_post_to_the_blog_and_search(app, web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community, make.user("Joe Murphy"))
    manager = make.member(community, role=Role.MANAGER)
    post = blog.post(community, writer, "Rural crime week", body="Quad bike thefts are down again.")
    base = f"/c/{community.slug}/blog"
    _delete(web, login, writer, post)
    jobs = app.extensions["polka.jobs"]
    jobs.run_until_idle()
    login(manager)
    assert "Rural crime week" not in text(web.get("/search?q=quad+bike"))
    assert "Deleted posts" in text(web.get(f"{base}/"))
    listed = text(web.get(f"{base}/deleted"))
    assert "Rural crime week" in listed
    assert "Joe Murphy" in listed  # who deleted it
    restored = web.post(f"{base}/deleted/{post.id}/restore")
    assert restored.headers["Location"] == f"{base}/{post.id}"
    assert "Rural crime week" in text(web.get(f"{base}/"))
    jobs.run_until_idle()
    assert "Rural crime week" in text(web.get("/search?q=quad+bike"))
    assert "restored" in activity_verbs(session, community)
    assert "No posts have been deleted" in text(web.get(f"{base}/deleted"))


def test_a_member_may_not_see_or_restore_the_deleted_posts(web, login, make, blog):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    post = blog.post(community, writer, "Rural crime week")
    _delete(web, login, writer, post)
    base = f"/c/{community.slug}/blog"
    assert "Deleted posts" not in text(web.get(f"{base}/"))
    assert web.get(f"{base}/deleted").status_code == 403
    assert web.post(f"{base}/deleted/{post.id}/restore").status_code == 403
    assert blog.fresh(post).is_deleted


def test_a_private_communitys_deleted_posts_are_not_found_by_outsiders(web, login, make, blog):
    community = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    writer = make.member(community)
    post = blog.post(community, writer, "Tasking lessons")
    _delete(web, login, writer, post)
    login(make.user("Outsider"))
    base = f"/c/{community.slug}/blog"
    assert web.get(f"{base}/deleted").status_code == 404
    assert web.post(f"{base}/deleted/{post.id}/restore").status_code == 404


def test_a_post_deleted_over_thirty_days_ago_is_not_offered_and_cannot_be_restored(
    web, login, make, blog, session
):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    manager = make.member(community, role=Role.MANAGER)
    post = blog.post(community, writer, "Rural crime week")
    _delete(web, login, writer, post)
    session.rollback()
    with transaction(session):
        session.execute(
            update(BlogPost)
            .where(BlogPost.id == post.id)
            .values(deleted_at=utcnow() - timedelta(days=RESTORE_DAYS, minutes=1))
        )
    login(manager)
    base = f"/c/{community.slug}/blog"
    assert "Rural crime week" not in text(web.get(f"{base}/deleted"))
    refused = web.post(f"{base}/deleted/{post.id}/restore", follow_redirects=True)
    assert "Posts can be restored for 30 days after they are deleted." in text(refused)
    assert blog.fresh(post).is_deleted
    assert web.get(f"{base}/{post.id}").status_code == 404


def test_a_restored_draft_stays_a_draft(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    reader = make.member(community)
    manager = make.member(community, role=Role.MANAGER)
    draft = blog.post(community, writer, "Half-written plans", publish=False)
    _delete(web, login, writer, draft)
    login(manager)
    base = f"/c/{community.slug}/blog"
    assert web.post(f"{base}/deleted/{draft.id}/restore").status_code == 302
    assert blog.fresh(draft).status is PostStatus.DRAFT
    assert "restored" not in activity_verbs(session, community)  # nothing announced
    login(reader)
    assert "Half-written plans" not in text(web.get(f"{base}/"))
    assert web.get(f"{base}/{draft.id}").status_code == 404
    login(writer)
    assert web.get(f"{base}/{draft.id}").status_code == 200


def test_a_post_whose_scheduled_time_passed_while_deleted_comes_back_a_draft(make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    manager = make.member(community, role=Role.MANAGER)
    late = blog.post(community, writer, "Missed its slot", at=utcnow() + timedelta(days=1))
    early = blog.post(community, writer, "Still to come", at=utcnow() + timedelta(days=2))
    with writing_as_a_request(session):
        for post_id in (late.id, early.id):
            found = session.get(BlogPost, post_id)
            found.deleted_at, found.deleted_by_id = utcnow(), writer.id
        session.get(BlogPost, late.id).publish_at = utcnow() - timedelta(hours=1)
    with writing_as_a_request(session):
        for post_id in (late.id, early.id):
            bin.restore_post(session, session.merge(manager), session.get(BlogPost, post_id))
    assert (blog.fresh(late).status, blog.fresh(late).publish_at) == (PostStatus.DRAFT, None)
    assert blog.fresh(early).status is PostStatus.SCHEDULED
