"""Moving posts about: a topic moved (to another category, to another community's forum, into a
private one), two topics merged, replies split off; counters right afterwards, reports following
their posts, and a reply racing a move either saved in the topic's new place or refused with its
text kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from polka.communities.models import Role, Visibility
from polka.db import transaction
from polka.errors import Conflict, Forbidden, ValidationError
from polka.forum import moving, posts, services
from polka.forum.kinds import POST_KIND, TOPIC_KIND
from polka.forum.models import ForumPost, ForumTopic
from polka.markings import Marking
from polka.moderation.models import Outcome, Report, ReportReason
from polka.subscriptions.models import Subscription
from tests.support import text


def topic_url(community, topic):
    return f"/c/{community.slug}/forum/t/{topic.id}"


@pytest.fixture
def world(make, forum):
    home = make.community("PNC Operators")
    moderator = make.member(home, make.user("Gareth Hughes"), Role.MODERATOR)
    category = forum.category(home, "Questions")
    author = make.member(home)
    topic = forum.topic(category, author, "Keeper checks", "How long?")
    for n in range(3):
        forum.reply(topic, author, f"Reply {n + 2}")
    return home, moderator, category, author, topic


def act(session, action, *args):
    session.rollback()
    with transaction(session):
        return action(
            session, *[session.merge(arg) if hasattr(arg, "_sa_instance_state") else arg for arg in args]
        )


def numbers(session, topic):
    session.rollback()
    session.expire_all()
    return [
        p.body
        for p in session.scalars(
            select(ForumPost).where(ForumPost.topic_id == topic.id).order_by(ForumPost.number)
        )
    ]


def report(session, community, post, reporter):
    with transaction(session):
        session.add(
            Report(
                community_id=community.id,
                target_kind=POST_KIND,
                target_id=post.id,
                reporter_id=reporter.id,
                reason=ReportReason.OTHER,
            )
        )


def test_a_topic_moves_to_another_category_and_its_old_address_follows(
    web, login, session, make, forum, world
):
    home, moderator, _category, _author, topic = world
    news = forum.category(home, "News")
    act(session, moving.move_topic, moderator, topic, news)
    login.as_member(home)
    assert "Keeper checks" in text(web.get(f"/c/{home.slug}/forum/news/"))
    assert "Keeper checks" not in text(web.get(f"/c/{home.slug}/forum/questions/"))


def test_a_topic_moved_into_a_private_community_takes_its_reports_and_leaves_outsiders_nothing(
    web, login, session, make, forum, world
):
    home, moderator, category, author, topic = world
    private = make.community("Covert Methods", visibility=Visibility.PRIVATE)
    make.member(private, moderator, Role.MODERATOR)
    reply = session.scalar(select(ForumPost).where(ForumPost.topic_id == topic.id, ForumPost.number == 2))
    report(session, home, reply, author)
    quoting = forum.topic(
        category, author, "Elsewhere", f"[quote=post:{reply.id}]\nReply 2\n[/quote]\n\nSee this"
    )
    act(
        session,
        moving.move_topic,
        moderator,
        topic,
        forum.category(private, "Tactics", manager=make.member(private, role=Role.MANAGER)),
    )
    session.rollback()
    assert session.get(Report, 1).community_id == private.id
    login.as_member(home)
    assert web.get(topic_url(home, topic)).status_code == 404
    page = text(web.get(topic_url(home, quoting)))
    assert "See this" in page
    assert "Reply 2" not in page


def test_a_topic_marked_higher_than_a_community_holds_is_not_moved_there(session, make, forum, world):
    _home, moderator, category, _author, _topic = world
    sensitive_home = make.community("Sensitive", ceiling=Marking.OFFICIAL_SENSITIVE)
    make.member(sensitive_home, moderator, Role.MODERATOR)
    sensitive = forum.topic(
        forum.category(sensitive_home), make.member(sensitive_home), marking=Marking.OFFICIAL_SENSITIVE
    )
    with pytest.raises(ValidationError, match="holds material up to OFFICIAL only"):
        act(session, moving.move_topic, moderator, sensitive, category)


def test_only_a_moderator_of_both_communities_moves_between_them(session, make, forum, world):
    _home, moderator, _category, _author, topic = world
    elsewhere = make.community("Elsewhere")
    with pytest.raises(Forbidden):
        act(session, moving.move_topic, moderator, topic, forum.category(elsewhere))


def test_a_reply_racing_a_move_is_refused_whole_and_a_later_one_lands_in_the_new_place(
    app, session, forum, world
):
    """The reply's checks passed on the topic as it was read; the move landed before the reply's write:
    the conditional claim refuses it with the text kept and nothing saved. Sent again, it is saved in the
    topic where it now is."""
    home, _moderator, _category, author, topic = world
    news_id = forum.category(home, "News").id
    stale = forum.fresh(topic)
    assert stale.category
    assert stale.community
    session.commit()  # the read ends (as on PostgreSQL, where a request's reads do not hold the row)
    with app.extensions["polka.engine"].begin() as other:  # a moderator's move, committed meanwhile
        other.execute(update(ForumTopic).where(ForumTopic.id == topic.id).values(category_id=news_id))
    with pytest.raises(Conflict, match="still below"), transaction(session):
        services.reply(session, session.merge(author), stale, "Posted as the move landed")
    session.rollback()
    assert forum.fresh(topic).reply_count == 3
    assert forum.reply(topic, author, "Sent again").number == 5
    assert forum.fresh(topic).category_id == news_id


def test_merging_appends_the_posts_counts_them_and_sends_followers_and_the_address_along(
    web, login, session, make, forum, world
):
    home, moderator, category, author, topic = world
    target = forum.topic(category, author, "Keeper checks again", "Same question")
    forum.reply(target, author, "Target reply")
    follower = make.member(home)
    with transaction(session):
        session.add(Subscription(user_id=follower.id, kind=TOPIC_KIND, object_id=topic.id))
    act(session, moving.merge_topics, moderator, topic, target)
    assert numbers(session, target) == [
        "Same question",
        "Target reply",
        "How long?",
        "Reply 2",
        "Reply 3",
        "Reply 4",
    ]
    merged = session.get(ForumTopic, target.id)
    assert (merged.reply_count, merged.next_number, merged.last_post_number) == (5, 7, 6)
    assert (
        session.scalar(select(Subscription.object_id).where(Subscription.user_id == follower.id)) == target.id
    )
    login.as_member(home)
    moved = web.get(topic_url(home, topic))
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith(topic_url(home, target))


def test_a_sensitive_topic_is_not_merged_into_an_official_one(session, make, forum, world):
    _home, moderator, _category, _author, _topic = world
    sensitive_home = make.community("Sensitive", ceiling=Marking.OFFICIAL_SENSITIVE)
    make.member(sensitive_home, moderator, Role.MODERATOR)
    writer = make.member(sensitive_home)
    sensitive = forum.topic(forum.category(sensitive_home), writer, marking=Marking.OFFICIAL_SENSITIVE)
    plain = forum.topic(forum.category(sensitive_home, "Other"), writer)
    with pytest.raises(ValidationError, match="raise that topic's marking first"):
        act(session, moving.merge_topics, moderator, sensitive, plain)


def test_splitting_replies_makes_a_new_topic_and_both_count_right(web, login, session, forum, world):
    _home, moderator, category, author, topic = world
    accepted_first = session.scalar(
        select(ForumPost).where(ForumPost.topic_id == topic.id, ForumPost.number == 3)
    )
    with transaction(session):
        found = session.get(ForumTopic, topic.id)
        found.is_question = True
    act(session, posts.accept_answer, author, topic, accepted_first)
    new = act(session, moving.split_topic, moderator, topic, [3, 4], "Reason codes", category)
    assert numbers(session, topic) == ["How long?", "Reply 2"]
    assert numbers(session, new) == ["Reply 3", "Reply 4"]
    old, split = session.get(ForumTopic, topic.id), session.get(ForumTopic, new.id)
    assert (old.reply_count, old.accepted_post_id) == (1, None)
    assert (split.reply_count, split.next_number, split.created_by_id) == (1, 3, author.id)


@pytest.mark.parametrize(
    ("chosen", "message"),
    [([], "Choose the replies"), ([1, 2], "The opening post stays"), ([99], "no longer in this topic")],
)
def test_a_bad_split_is_refused(session, world, chosen, message):
    _home, moderator, category, _author, topic = world
    with pytest.raises(ValidationError, match=message):
        act(session, moving.split_topic, moderator, topic, chosen, "New", category)


def test_the_split_page_keeps_what_was_chosen_on_an_error(web, login, session, world):
    home, moderator, category, _author, topic = world
    login(moderator)
    url = topic_url(home, topic) + "/split"
    response = web.post(url, {"title": "", "category": str(category.id), "posts": ["3"]}, token_from=url)
    assert response.status_code == 400
    assert "Enter a title" in text(response)
    assert 'value="3" checked' in response.get_data(as_text=True)


def test_a_post_deleted_by_its_author_closes_its_reports(session, make, world):
    home, moderator, _category, author, topic = world
    reply = session.scalar(select(ForumPost).where(ForumPost.topic_id == topic.id, ForumPost.number == 2))
    report(session, home, reply, moderator)
    act(session, posts.delete_own_post, author, reply)
    session.rollback()
    closed = session.scalar(select(Report))
    assert closed.outcome is Outcome.GONE
    assert closed.decided_at is not None


def test_the_move_page_offers_only_categories_the_moderator_moderates(web, login, make, forum, world):
    home, moderator, _category, _author, topic = world
    forum.category(make.community("Elsewhere"), "Not mine")
    login(moderator)
    page = text(web.get(topic_url(home, topic) + "/move"))
    assert "Questions" in page
    assert "Not mine" not in page
    assert (
        web.post(
            topic_url(home, topic) + "/move", {"category": "999"}, token_from=topic_url(home, topic) + "/move"
        ).status_code
        == 400
    )


def test_the_moving_pages_are_for_moderators(web, login, world):
    home, moderator, _category, _author, topic = world
    login.as_member(home)
    for page in ("move", "merge", "split"):
        assert web.get(f"{topic_url(home, topic)}/{page}").status_code == 403
    login(moderator)
    for page, says in (("move", "Move this topic"), ("merge", "Merge this topic"), ("split", "Reply 3")):
        assert says in text(web.get(f"{topic_url(home, topic)}/{page}"))
