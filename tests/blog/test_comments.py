"""Comments under a post, through the pages, per role: members comment and reply (one level deep),
readers of the community read them, the post's author and moderators close them; the core moderation
module screens them (a new member's first comment waits, watched words block or flag, a silenced member
is refused), readers report them and moderators hide or approve them; its author deletes a comment."""

from __future__ import annotations

from polka.blog.models import CommentStatus
from polka.communities.models import Role
from polka.db import transaction
from polka.moderation import rules
from polka.moderation.models import WordAction
from tests.blog.conftest import comments
from tests.support import text


def _comment(web, community, post, body, parent=None):
    data = {"body": body, **({"parent": str(parent)} if parent else {})}
    return web.post(f"/c/{community.slug}/blog/{post.id}/comments", data=data)


def test_members_comment_and_reply_one_level_deep(app, web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community, make.user("Beverley Shaw"))
    commenter = make.member(community, make.user("Joe Murphy"))
    post = blog.post(community, writer, "Winter visibility patrols")
    login(commenter)
    response = _comment(web, community, post, "Can specials join **remotely**?")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#comment-{comments(session)[0].id}")
    first = comments(session)[0]
    login(writer)
    assert "Replying to Joe Murphy’s comment" in text(
        web.get(f"/c/{community.slug}/blog/{post.id}?reply_to={first.id}")
    )
    assert _comment(web, community, post, "Yes: the link is in the invite.", first.id).status_code == 302
    reply = comments(session)[1]
    login(commenter)
    assert _comment(web, community, post, "Thanks!", reply.id).status_code == 302  # a reply to a reply
    parents = [c.parent_id for c in comments(session)]
    assert parents == [None, first.id, first.id]  # goes under the comment it is under
    login(make.user("Reader from another force"))
    page = web.get(f"/c/{community.slug}/blog/{post.id}")
    shown = text(page)
    assert "Comments (3)" in shown
    assert "Can specials join remotely" in shown.replace(" ?", "?")
    assert "<strong>remotely</strong>" in page.get_data(as_text=True)
    assert "Only members of this community can comment." in shown
    assert "Joe Murphy and Beverley Shaw commented on Winter visibility patrols" in text(
        web.get(f"/c/{community.slug}/")
    )
    app.extensions["polka.jobs"].run_until_idle()
    assert "Winter visibility patrols" in text(web.get("/search?q=specials+remotely"))
    assert "3 comments" not in shown  # the count is in the heading


def test_comments_wait_until_a_post_is_published(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    draft = blog.post(community, writer, "Draft", publish=False)
    login(writer)
    assert "Comments (" not in text(web.get(f"/c/{community.slug}/blog/{draft.id}"))
    assert _comment(web, community, draft, "Early words").status_code == 403
    assert comments(session) == []


def test_the_author_closes_comments_and_a_moderator_still_may_comment(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer, member = make.member(community), make.member(community)
    moderator = make.member(community, role=Role.MODERATOR)
    post = blog.post(community, writer, "Ward panels")
    login(member)
    assert (
        web.post(f"/c/{community.slug}/blog/{post.id}/comments/closed", data={"closed": "yes"}).status_code
        == 403
    )
    login(writer)
    assert (
        web.post(f"/c/{community.slug}/blog/{post.id}/comments/closed", data={"closed": "yes"}).status_code
        == 302
    )
    login(member)
    assert "Comments on this post are closed." in text(web.get(f"/c/{community.slug}/blog/{post.id}"))
    refused = _comment(web, community, post, "Too late?")
    assert refused.status_code == 403
    login(moderator)
    assert _comment(web, community, post, "A note from the moderators.").status_code == 302
    assert (
        web.post(f"/c/{community.slug}/blog/{post.id}/comments/closed", data={"closed": "no"}).status_code
        == 302
    )
    login(member)
    assert _comment(web, community, post, "Now open again.").status_code == 302


def test_a_refused_comment_keeps_its_text_and_says_why(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    member = make.member(community)
    post = blog.post(community, make.member(community), "Ward panels")
    login(member)
    for body, message in (
        ("   ", "Enter your comment"),
        ("x" * 5_001, "A comment must be 5,000 characters or fewer"),
        ("Ask @nobody-such-person about it", "@nobody-such-person"),
    ):
        response = _comment(web, community, post, body)
        assert response.status_code == 400, body[:20]
        assert message in text(response)
        if body.strip():
            assert body in response.get_data(as_text=True)
    assert comments(session) == []


def test_watched_words_block_or_flag_and_a_silenced_member_is_refused(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    manager = make.member(community, role=Role.MANAGER)
    moderator = make.member(community, role=Role.MODERATOR)
    member = make.member(community)
    post = blog.post(community, make.member(community), "Ward panels")
    with transaction(session):
        rules.add_word(session, session.merge(manager), session.merge(community), "scum", WordAction.BLOCK)
        rules.add_word(session, session.merge(manager), session.merge(community), "useless", WordAction.FLAG)
    login(member)
    blocked = _comment(web, community, post, "Those scum again")
    assert blocked.status_code == 400
    assert "“scum”, which is not allowed here" in text(blocked)
    assert "Those scum again" in blocked.get_data(as_text=True)
    assert _comment(web, community, post, "The old rota was useless").status_code == 302
    login(moderator)
    queue = text(web.get(f"/c/{community.slug}/moderation/"))
    assert "The old rota was useless" in queue
    assert "Contains the watched word “useless”" in queue
    with transaction(session):
        rules.silence(
            session, session.merge(moderator), session.merge(community), session.merge(member), 1, "Calm"
        )
    login(member)
    silenced = _comment(web, community, post, "One more thing")
    assert silenced.status_code == 403
    assert "stopped you posting in this community" in text(silenced)


def test_a_new_members_first_comment_waits_for_a_moderator(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    manager = make.member(community, role=Role.MANAGER)
    moderator = make.member(community, role=Role.MODERATOR)
    newcomer, reader = make.member(community), make.member(community)
    post = blog.post(community, make.member(community), "Ward panels")
    with transaction(session):
        rules.set_new_member_posts(session, session.merge(manager), session.merge(community), 1)
    login(newcomer)
    response = _comment(web, community, post, "Hello from Essex")
    shown = text(web.get(response.headers["Location"]))
    assert "Your comment waits for a moderator" in shown
    assert "Waiting for a moderator" in shown
    assert "Hello from Essex" in shown
    login(reader)
    shown = text(web.get(f"/c/{community.slug}/blog/{post.id}"))
    assert "Hello from Essex" not in shown
    assert "Comments (0)" in shown
    login(moderator)
    assert "1 blog comment waits for approval in" in text(web.get("/"))
    waiting = comments(session)[0]
    approved = web.post(
        f"/c/{community.slug}/moderation/approve",
        data={"kind": "blog.comment", "target": str(waiting.id), "outcome": "approve"},
    )
    assert approved.status_code == 302
    login(reader)
    shown = text(web.get(f"/c/{community.slug}/blog/{post.id}"))
    assert "Hello from Essex" in shown
    assert "Comments (1)" in shown


def test_a_reported_comment_hidden_by_a_moderator_leaves_readers_and_search(
    app, web, login, make, blog, session
):
    community = make.community("Neighbourhood Policing")
    moderator = make.member(community, role=Role.MODERATOR)
    author, reporter = make.member(community), make.member(community)
    post = blog.post(community, make.member(community), "Ward panels")
    login(author)
    _comment(web, community, post, "Offensive words about the other force")
    comment = comments(session)[0]
    login(reporter)
    page = text(web.get(f"/c/{community.slug}/blog/{post.id}"))
    assert "Report this comment by" in page
    reported = web.post(
        f"/report/blog.comment/{comment.id}", data={"reason": "inappropriate", "text": "Insults"}
    )
    assert reported.headers["Location"].endswith(f"/c/{community.slug}/blog/{post.id}#comment-{comment.id}")
    login(moderator)
    queue = text(web.get(f"/c/{community.slug}/moderation/"))
    assert "Comment on “Ward panels”" in queue
    hidden = web.post(
        f"/c/{community.slug}/moderation/decide",
        data={
            "kind": "blog.comment",
            "target": str(comment.id),
            "outcome": "hidden",
            "reason": "Insults a force",
        },
    )
    assert hidden.status_code == 302
    app.extensions["polka.jobs"].run_until_idle()
    login(reporter)
    shown = text(web.get(f"/c/{community.slug}/blog/{post.id}"))
    assert "Offensive words" not in shown
    assert "Comments (0)" in shown
    assert "Ward panels" not in text(web.get("/search?q=offensive+words"))
    login(author)
    shown = text(web.get(f"/c/{community.slug}/blog/{post.id}"))
    assert "Hidden by a moderator" in shown
    assert "Reason: Insults a force" in shown


def test_its_author_deletes_a_comment_and_a_stub_stays(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    author, other = make.member(community), make.member(community)
    post = blog.post(community, make.member(community), "Ward panels")
    login(author)
    _comment(web, community, post, "Said in haste")
    comment = comments(session)[0]
    login(other)
    assert web.post(f"/c/{community.slug}/blog/{post.id}/comments/{comment.id}/delete").status_code == 403
    login(author)
    assert web.post(f"/c/{community.slug}/blog/{post.id}/comments/{comment.id}/delete").status_code == 302
    shown = text(web.get(f"/c/{community.slug}/blog/{post.id}"))
    assert "Deleted by its author." in shown
    assert "Said in haste" not in shown
    assert "Comments (0)" in shown
    assert comments(session)[0].status is CommentStatus.PUBLISHED


def test_a_hidden_comment_with_replies_leaves_a_stub_and_its_replies_stay(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    moderator = make.member(community, role=Role.MODERATOR)
    author, replier, reader = make.member(community), make.member(community), make.member(community)
    post = blog.post(community, make.member(community), "Ward panels")
    login(author)
    _comment(web, community, post, "Offensive words about the other force")
    first = comments(session)[0]
    login(replier)
    _comment(web, community, post, "Please keep it civil.", first.id)
    web.post(f"/report/blog.comment/{first.id}", data={"reason": "inappropriate"})
    login(moderator)
    web.post(
        f"/c/{community.slug}/moderation/decide",
        data={"kind": "blog.comment", "target": str(first.id), "outcome": "hidden", "reason": "Insults"},
    )
    login(reader)
    shown = text(web.get(f"/c/{community.slug}/blog/{post.id}"))
    assert "A comment hidden by a moderator" in shown
    assert "Offensive words" not in shown
    assert "Please keep it civil." in shown
    assert "Comments (1)" in shown
    login(replier)
    assert "Please keep it civil." in text(web.get(f"/c/{community.slug}/blog/{post.id}"))
    login(author)
    shown = text(web.get(f"/c/{community.slug}/blog/{post.id}"))
    assert "Offensive words about the other force" in shown
    assert "Reason: Insults" in shown


def test_a_hidden_comment_without_replies_is_gone_for_others(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    moderator = make.member(community, role=Role.MODERATOR)
    author, reader = make.member(community), make.member(community)
    post = blog.post(community, make.member(community), "Ward panels")
    login(author)
    _comment(web, community, post, "Offensive words")
    comment = comments(session)[0]
    login(reader)
    web.post(f"/report/blog.comment/{comment.id}", data={"reason": "inappropriate"})
    login(moderator)
    decided = web.post(
        f"/c/{community.slug}/moderation/decide",
        data={"kind": "blog.comment", "target": str(comment.id), "outcome": "hidden", "reason": "No"},
    )
    assert decided.status_code == 302
    login(reader)
    shown = text(web.get(f"/c/{community.slug}/blog/{post.id}"))
    assert "hidden by a moderator" not in shown
    assert "No comments yet." in shown
