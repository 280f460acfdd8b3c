"""The blog, as the rest of POLKA sees it (see polka.content.feature): this is the one place that
imports the blog's view modules."""

from __future__ import annotations

from polka.blog import (
    bin_views,
    comment_views,
    covers,
    feed_views,
    models,
    personal_views,
    views,
    writing_views,
)
from polka.blog.blueprint import bp
from polka.blog.demo import load_demo_blog
from polka.blog.home import latest_posts
from polka.blog.kinds import BLOG, COMMENT, PERSON_BLOG, POST, TAG
from polka.blog.models import BlogPost
from polka.blog.moderation import COMMENTS
from polka.blog.publishing import SWEEP_INTERVAL, publish_all_due, publish_handler
from polka.blog.search import BlogSearch, CommentSearch
from polka.blog.services import PUBLISH_JOB
from polka.blog.waiting import HELD, held_waiting
from polka.blog.writings import blog_writings
from polka.content.deletion import removing
from polka.content.feature import (
    CommunityLink,
    Feature,
    Housekeeping,
    JobHandler,
    PersonLink,
    Purge,
    Routes,
    WaitingQueue,
)

FEATURE = Feature(
    name="blog",
    label="Blog",
    routes=Routes(bp, (views, writing_views, comment_views, feed_views, bin_views, personal_views)),
    models=(models,),
    kinds=(POST, COMMENT, BLOG, TAG, PERSON_BLOG),
    search=(BlogSearch(), CommentSearch()),
    moderated=(COMMENTS,),
    waiting=(WaitingQueue(HELD, held_waiting),),
    jobs=(JobHandler(PUBLISH_JOB, publish_handler),),
    housekeeping=(
        Housekeeping("publish the blog posts whose time has come", SWEEP_INTERVAL, publish_all_due),
    ),
    demo=load_demo_blog,
    stored_files=(covers.stored_hashes,),
    purges=(Purge(POST.name, removing(BlogPost, POST.name)),),
    person_link=PersonLink("Blog", "Your blog", "blog.personal"),
    community_link=CommunityLink(
        "Blog", "blog.index", "weekly updates and write-ups of what worked", glimpses=latest_posts
    ),
    writings=(blog_writings,),
)
