"""A post of one's own blog open to everyone signed in, outside any community: OFFICIAL only, read by
every active account at ``/people/<id>/blog/<post>``, in search, feeds and the activity of everything;
its drafts are its author's alone; anyone signed in comments, under the site-wide watched words; its
reports and held comments wait for the site's administrators, who moderate it; its author changes,
deletes and restores it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from polka.accounts.models import AccountStatus
from polka.blog import services
from polka.blog.models import BlogPost, CommentStatus, PostStatus
from polka.communities.models import Role, Visibility
from polka.db import transaction, utcnow
from polka.errors import Forbidden, ValidationError
from polka.markings import Marking
from polka.moderation import rules
from polka.moderation.models import WordAction
from tests.blog.conftest import comments
from tests.feeds.conftest import parsed, reveal
from tests.support import text, writing_as_a_request

FORM = {
    "title": "What worked: our neighbourhood Twitter trial",
    "body": "Six months of a neighbourhood team account.",
    "marking": "OFFICIAL",
    "community": "0",
    "action": "publish",
}


def _fresh(session, post_id: int) -> BlogPost:
    session.rollback()
    session.expire_all()
    found = session.get(BlogPost, post_id)
    assert found is not None
    return found


def test_a_post_open_to_everyone_is_read_by_anyone_signed_in_and_found_by_search(app, web, login, make):
    community = make.community("Neighbourhood Policing", visibility=Visibility.PRIVATE)
    sam = make.member(community, make.user("Sam Patel"))
    login(sam)
    assert "Everyone signed in to POLKA (OFFICIAL only)" in text(web.get(f"/people/{sam.id}/blog/new"))
    response = web.post(f"/people/{sam.id}/blog/new", data=FORM)
    assert response.status_code == 302, text(response)
    post_path = response.headers["Location"]
    assert post_path.startswith(f"/people/{sam.id}/blog/")
    assert "Sam Patel’s blog, open to everyone signed in" in text(web.get(post_path))
    app.extensions["polka.jobs"].run_until_idle()
    reader = login(make.user("Reader from another force"))  # in no community at all
    assert reader.memberships == []
    page = web.get(post_path)
    assert page.status_code == 200
    assert "Six months of a neighbourhood team account." in text(page)
    blog_page = text(web.get(f"/people/{sam.id}/blog/"))
    assert "What worked: our neighbourhood Twitter trial" in blog_page
    assert "Open to everyone signed in" in blog_page
    assert "Twitter trial" in text(web.get("/search?q=twitter+trial"))
    assert "Twitter trial" in text(web.get("/?scope=all"))
    feed = parsed(web.get(f"/people/{sam.id}/blog/feed.atom?key={reveal(web)}"))
    assert [entry.title for entry in feed.entries] == ["What worked: our neighbourhood Twitter trial"]
    assert feed.entries[0].link.endswith(post_path)
    web.post("/logout", token_from="/account")
    shown = web.get(post_path)  # never to someone not signed in
    assert shown.status_code == 302
    assert "/login" in shown.headers["Location"]


def test_a_sensitive_post_cannot_be_open_to_everyone_and_the_form_keeps_the_text(web, login, make):
    sam = login(make.user("Sam Patel"))
    refused = web.post(f"/people/{sam.id}/blog/new", data={**FORM, "marking": "OFFICIAL-SENSITIVE"})
    assert refused.status_code == 400
    assert "A post open to everyone signed in is OFFICIAL only" in text(refused)
    assert "Six months of a neighbourhood team account." in refused.get_data(as_text=True)


def test_a_suspended_account_and_an_outsider_of_its_author_see_nothing(web, login, make, blog, session):
    author = make.user("Sam Patel")
    post = blog.post(None, author, "Open notes")
    reader = make.user("Reader")
    login(reader)
    assert web.get(f"/people/{author.id}/blog/{post.id}").status_code == 200
    assert web.get(f"/people/{reader.id}/blog/{post.id}").status_code == 404  # not the author's address
    with transaction(session):
        session.merge(reader).status = AccountStatus.SUSPENDED
    assert web.get(f"/people/{author.id}/blog/{post.id}").status_code != 200


def test_an_open_draft_or_scheduled_post_is_its_authors_alone(app, web, login, make, blog):
    author = make.user("Sam Patel")
    draft = blog.post(None, author, "Year two notes", publish=False)
    scheduled = blog.post(None, author, "Launch day", at=utcnow() + timedelta(days=2))
    app.extensions["polka.jobs"].run_until_idle()
    login(author)
    page = text(web.get(f"/people/{author.id}/blog/"))
    assert "Year two notes" in page
    assert "Launch day" in page
    admin = login(make.admin())
    for post in (draft, scheduled):
        assert web.get(f"/people/{author.id}/blog/{post.id}").status_code == 404
    page = text(web.get(f"/people/{author.id}/blog/"))
    assert "Year two notes" not in page
    assert "Launch day" not in page
    assert "Year two notes" not in text(web.get("/search?q=year+two+notes"))
    assert "Launch day" not in text(web.get("/?scope=all"))
    raw = web.get(f"/people/{author.id}/blog/feed.atom?key={reveal(web)}").get_data(as_text=True)
    assert "Year two notes" not in raw
    assert "Launch day" not in raw
    assert admin.is_admin


def test_its_author_changes_it_with_history_and_nobody_else_does(web, login, make, blog, session):
    author = make.user("Sam Patel")
    post = blog.post(None, author, "Open notes", body="First words.")
    base = f"/people/{author.id}/blog/{post.id}"
    login(make.user("Colleague"))
    assert web.get(f"{base}/edit").status_code == 403
    assert web.post(f"{base}/unpublish").status_code == 403
    assert web.post(f"{base}/delete").status_code == 403
    login(author)
    changed = web.post(
        f"{base}/edit",
        data={"title": "Open notes", "body": "Second words.", "marking": "OFFICIAL", "action": "save"},
    )
    assert changed.status_code == 302, text(changed)
    assert changed.headers["Location"].endswith(base)
    assert "First words." in text(web.get(f"{base}/history"))
    refused = web.post(
        f"{base}/edit",
        data={
            "title": "Open notes",
            "body": "Third words.",
            "marking": "OFFICIAL-SENSITIVE",
            "action": "save",
        },
    )
    assert refused.status_code == 400
    assert "OFFICIAL only" in text(refused)
    assert _fresh(session, post.id).body == "Second words."


def test_an_administrator_moderates_an_open_post_and_needs_two_factor(web, login, make, blog, session):
    author = make.user("Sam Patel")
    post = blog.post(None, author, "Open notes")
    base = f"/people/{author.id}/blog/{post.id}"
    login(make.user("Admin without two-factor", admin=True, two_factor=False))
    assert web.post(f"{base}/unpublish").headers["Location"].startswith("/account/two-factor")
    login(make.admin())
    assert web.post(f"{base}/unpublish").status_code == 302
    assert _fresh(session, post.id).status is PostStatus.DRAFT


def test_deleted_by_its_author_it_is_restored_from_their_blog(app, web, login, make, blog, session):
    author = make.user("Sam Patel")
    post = blog.post(None, author, "Open notes")
    base = f"/people/{author.id}/blog"
    login(author)
    assert "You can restore it for 30 days" in text(web.get(f"{base}/{post.id}/delete"))
    deleted = web.post(f"{base}/{post.id}/delete")
    assert deleted.headers["Location"].endswith(f"{base}/")
    app.extensions["polka.jobs"].run_until_idle()
    login(make.user("Reader"))
    assert web.get(f"{base}/{post.id}").status_code == 404
    assert web.get(f"{base}/deleted").status_code == 404  # the bin is its author's
    assert web.post(f"{base}/deleted/{post.id}/restore").status_code == 404
    assert "Open notes" not in text(web.get("/search?q=open+notes"))
    login(author)
    assert "Open notes" in text(web.get(f"{base}/deleted"))
    restored = web.post(f"{base}/deleted/{post.id}/restore")
    assert restored.headers["Location"].endswith(f"{base}/{post.id}")
    app.extensions["polka.jobs"].run_until_idle()
    login(make.user("Reader"))
    assert web.get(f"{base}/{post.id}").status_code == 200
    assert "Open notes" in text(web.get("/search?q=open+notes"))


def _comment(web, author_id, post, body):
    return web.post(f"/people/{author_id}/blog/{post.id}/comments", data={"body": body})


def test_anyone_signed_in_comments_and_reports_go_to_the_administrators(app, web, login, make, blog, session):
    author = make.user("Sam Patel")
    post = blog.post(None, author, "Open notes")
    base = f"/people/{author.id}/blog/{post.id}"
    writer = login(make.user("Joe Murphy"))
    assert _comment(web, author.id, post, "Tried it in Essex too.").status_code == 302
    comment = comments(session)[0]
    assert comment.status is CommentStatus.PUBLISHED
    reporter = login(make.user("Reporter"))
    asked = text(web.get(f"/report/blog.comment/{comment.id}"))
    assert "POLKA’s administrators will look at it" in asked  # not a community's moderators
    reported = web.post(f"/report/blog.comment/{comment.id}", data={"reason": "inappropriate"})
    assert reported.headers["Location"].endswith(f"{base}#comment-{comment.id}")
    community = make.community("Neighbourhood Policing")
    login.as_role(community, Role.MANAGER)  # a community's moderators have nothing to do with it
    assert "Tried it in Essex" not in text(web.get(f"/c/{community.slug}/moderation/"))
    assert web.get("/moderation/").status_code == 404
    login(make.admin())
    home = text(web.get("/"))
    assert "1 report waits for a moderator in Outside any community" in home
    queue = text(web.get("/moderation/"))
    assert "Comment on “Open notes”" in queue
    hidden = web.post(
        "/moderation/decide",
        data={"kind": "blog.comment", "target": str(comment.id), "outcome": "hidden", "reason": "Off topic"},
    )
    assert hidden.status_code == 302
    assert hidden.headers["Location"].endswith("/moderation/")
    log = text(web.get("/moderation/log"))
    assert "hidden" in log
    assert "Comment on “Open notes”" in log
    login(reporter)
    assert "Tried it in Essex" not in text(web.get(base))
    login(writer)
    assert "Reason: Off topic" in text(web.get(base))


def test_the_site_wide_watched_words_hold_a_comment_for_the_administrators(web, login, make, blog, session):
    admin = make.admin()
    with transaction(session):
        rules.add_word(session, session.merge(admin), None, "rubbish", WordAction.HOLD)
    author = make.user("Sam Patel")
    post = blog.post(None, author, "Open notes")
    login(make.user("Joe Murphy"))
    assert _comment(web, author.id, post, "This is rubbish").status_code == 302
    comment = comments(session)[0]
    assert comment.status is CommentStatus.WAITING
    login(make.user("Reader"))
    assert "This is rubbish" not in text(web.get(f"/people/{author.id}/blog/{post.id}"))
    login(admin)
    assert "1 blog comment waits for approval in Outside any community" in text(web.get("/"))
    assert "This is rubbish" in text(web.get("/moderation/"))
    approved = web.post(
        "/moderation/approve", data={"kind": "blog.comment", "target": str(comment.id), "outcome": "approve"}
    )
    assert approved.status_code == 302
    assert comments(session)[0].status is CommentStatus.PUBLISHED


def test_only_a_post_of_ones_own_blog_can_be_open_to_everyone(make, blog):
    author = make.user()
    with writing_as_a_request(blog.session), pytest.raises(Forbidden, match="own blog"):
        services.create_post(
            blog.session,
            blog.session.merge(author),
            None,
            services.PostFields("Title", "Text"),
            personal=False,
        )


def test_a_sensitive_open_post_is_refused_by_the_services(make, blog):
    with pytest.raises(ValidationError, match="OFFICIAL only"):
        blog.post(None, make.user(), "Secret", marking=Marking.OFFICIAL_SENSITIVE)
