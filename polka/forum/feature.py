"""The forum, as the rest of POLKA sees it (see polka.content.feature): this is the one place that
imports the forum's view modules."""

from __future__ import annotations

from polka.content.feature import CommunityLink, Feature, Routes, WaitingQueue
from polka.forum import manage_views, models, moving_views, poll_views, post_views, views
from polka.forum.blueprint import bp
from polka.forum.cli import forum_group
from polka.forum.demo import load_demo_forum
from polka.forum.kinds import CATEGORY, FORUM, POST, TOPIC
from polka.forum.moderation import POSTS
from polka.forum.search import ForumSearch
from polka.forum.waiting import HELD, held_waiting
from polka.forum.writings import forum_asked, forum_writings

FEATURE = Feature(
    name="forum",
    label="Forum",
    routes=Routes(bp, (views, post_views, poll_views, moving_views, manage_views)),
    models=(models,),
    kinds=(TOPIC, POST, CATEGORY, FORUM),
    search=(ForumSearch(),),
    cli=forum_group,
    demo=load_demo_forum,
    moderated=(POSTS,),
    waiting=(WaitingQueue(HELD, held_waiting),),
    community_link=CommunityLink("Forum", "forum.index", "questions, discussions and announcements"),
    writings=(forum_writings,),
    asked=(forum_asked,),
)
