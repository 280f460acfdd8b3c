from sqlalchemy import func, select

from polka.accounts.models import User
from polka.communities.models import Community, Visibility
from polka.demo import ADMIN_EMAIL, DEMO_PASSWORD
from polka.markings import Marking
from tests.support import text


def test_demo_loads_a_realistic_site_once(runner, session):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert DEMO_PASSWORD in first.output
    users = session.scalar(select(func.count()).select_from(User))
    assert users >= 30
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert "not loaded" in second.output
    assert session.scalar(select(func.count()).select_from(User)) == users


def test_demo_communities_match_real_use(runner, session):
    runner.invoke(args=["demo"])
    by_name = {c.name: c for c in session.scalars(select(Community))}
    assert by_name["PNC Operators"].visibility is Visibility.RESTRICTED
    assert {c.name for c in by_name["PNC Operators"].children} >= {"PNC Operators – North West"}
    assert by_name["Digital and Social Media Engagement"].visibility is Visibility.OPEN
    forensics = by_name["Forensics Practitioners"]
    assert forensics.visibility is Visibility.PRIVATE
    assert forensics.marking_ceiling is Marking.OFFICIAL_SENSITIVE
    assert by_name["Neighbourhood Policing"].visibility is Visibility.OPEN


def test_demo_admin_can_sign_in_with_the_documented_password(runner, web):
    runner.invoke(args=["demo"])
    response = web.post("/login", {"email": ADMIN_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "Alex Morgan" in text(web.get("/"))


def test_demo_leaves_decisions_waiting(runner, session):
    runner.invoke(args=["demo"])
    from polka.accounts.models import AccountStatus
    from polka.communities.models import CommunityStatus, JoinRequest, RequestStatus

    contractor = session.scalars(select(User).where(User.email == "sam.contractor@example.com")).one()
    assert contractor.status is AccountStatus.PENDING
    assert contractor.email_verified_at is not None
    assert session.scalars(select(JoinRequest).where(JoinRequest.status == RequestStatus.PENDING)).all()
    assert session.scalars(select(Community).where(Community.status == CommunityStatus.REQUESTED)).all()


def test_demo_wiki_has_a_case_study_template_and_an_edit_waiting_for_review(runner, session):
    from polka.wiki.models import RevisionStatus, WikiPage, WikiRevision
    from polka.wiki.services import current_revision

    runner.invoke(args=["demo"])
    template = session.scalar(select(WikiPage).where(WikiPage.title == "Case study"))
    assert template.is_template
    body = current_revision(session, template).body
    for section in ("## Problem", "## Approach", "## Outcome", "## Evidence", "## Contact"):
        assert section in body
    pending = session.scalars(select(WikiRevision).where(WikiRevision.status == RevisionStatus.PENDING)).all()
    assert [r.page.title for r in pending] == ["Vehicle checks"]


def test_demo_content_is_searchable_as_soon_as_it_is_loaded(runner, session):
    from polka.blog.models import BlogComment, BlogPost, CommentStatus
    from polka.blog.models import PostStatus as BlogStatus
    from polka.communities.models import Community, CommunityStatus
    from polka.docs.models import Document
    from polka.events.models import Event
    from polka.forum.models import ForumPost, PostStatus
    from polka.live.models import LiveSession
    from polka.people.services import active_people
    from polka.wiki.models import WikiPage

    runner.invoke(args=["demo"])
    pages = session.scalar(
        select(func.count())
        .select_from(WikiPage)
        .where(WikiPage.deleted_at.is_(None), WikiPage.head_number > 0)
    )
    documents = session.scalar(
        select(func.count()).select_from(Document).where(Document.deleted_at.is_(None))
    )
    assert documents
    communities = session.scalar(
        select(func.count()).select_from(Community).where(Community.status == CommunityStatus.ACTIVE)
    )
    people = session.scalar(select(func.count()).select_from(User).where(active_people()))
    posts = session.scalar(  # the published ones: a post waiting for approval is not searchable
        select(func.count()).select_from(ForumPost).where(ForumPost.status == PostStatus.PUBLISHED)
    )
    assert posts
    events = session.scalar(select(func.count()).select_from(Event).where(Event.deleted_at.is_(None)))
    assert events
    blog_posts = session.scalar(  # the published ones: drafts and scheduled posts are not searchable
        select(func.count()).select_from(BlogPost).where(BlogPost.status == BlogStatus.PUBLISHED)
    )
    assert blog_posts
    comments = session.scalar(
        select(func.count()).select_from(BlogComment).where(BlogComment.status == CommentStatus.PUBLISHED)
    )
    assert comments
    sessions = session.scalar(  # each with its transcript of approved questions and answers
        select(func.count()).select_from(LiveSession).where(LiveSession.deleted_at.is_(None))
    )
    assert sessions
    status = runner.invoke(args=["search", "status"]).output
    indexed = pages + documents + communities + people + posts + events + blog_posts + comments + sessions
    assert f"Indexed items: {indexed}" in status
    assert "Changes waiting: 0" in status


def test_demo_library_has_versions_approval_and_a_check_out(app, runner, session):
    from polka.docs.access import current_version
    from polka.docs.models import Document, DocumentStatus, ExtractStatus
    from polka.docs.processing import extract_for

    runner.invoke(args=["demo"])
    schedule = session.scalar(select(Document).where(Document.title == "Rolling schedule 2026"))
    assert (schedule.head_number, schedule.approved_number, schedule.status) == (3, 2, DocumentStatus.DRAFT)
    assert schedule.checked_out_by is not None
    old = session.scalar(select(Document).where(Document.title == "Rolling schedule 2025"))
    assert (old.status, old.superseded_by_id) == (DocumentStatus.SUPERSEDED, schedule.id)
    app.extensions["polka.jobs"].run_until_idle()  # the worker reads the demo documents' text
    session.rollback()
    assert extract_for(session, current_version(session, schedule)).status is ExtractStatus.DONE


def test_demo_blogs_have_a_weekly_update_personal_write_ups_and_a_scheduled_post(app, runner, session):
    from sqlalchemy import select

    from polka.blog.models import BlogPost, PostStatus

    runner.invoke(args=["demo"])
    posts = session.scalars(select(BlogPost)).all()
    assert any(p.personal and p.is_published and "Twitter trial" in p.title for p in posts)
    assert any(p.community_id is None and p.is_published and "checklist" in p.title for p in posts)
    assert any(p.status is PostStatus.SCHEDULED for p in posts)
    assert sum(1 for p in posts if not p.personal and p.is_published and "weekly update" in p.tags) >= 4
