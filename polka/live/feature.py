"""Live question sessions, as the rest of POLKA sees them (see polka.content.feature): this is the one
place that imports the live sessions' view modules."""

from __future__ import annotations

from polka.content.deletion import removing
from polka.content.feature import CommunityLink, Feature, Housekeeping, Purge, Routes, WaitingQueue
from polka.live import (
    answer_views,
    bin_views,
    models,
    moderate_views,
    schedule_views,
    update_views,
    views,
)
from polka.live.blueprint import bp
from polka.live.demo import load_demo_live
from polka.live.kinds import ANSWER, QUESTION, SESSION
from polka.live.models import LiveSession
from polka.live.moderating import QUESTIONS
from polka.live.notices import OPENING_SWEEP, tell_opened
from polka.live.search import SessionSearch
from polka.live.waiting import HELD, held_waiting
from polka.live.writings import live_asked, live_writings

FEATURE = Feature(
    name="live",
    label="Question sessions",
    routes=Routes(bp, (views, schedule_views, moderate_views, answer_views, update_views, bin_views)),
    models=(models,),
    kinds=(SESSION, QUESTION, ANSWER),
    search=(SessionSearch(),),
    moderated=(QUESTIONS,),
    waiting=(WaitingQueue(HELD, held_waiting),),
    demo=load_demo_live,
    housekeeping=(
        Housekeeping("tell followers of the question sessions that have opened", OPENING_SWEEP, tell_opened),
    ),
    purges=(Purge(SESSION.name, removing(LiveSession, SESSION.name)),),
    community_link=CommunityLink(
        "Question sessions", "live.index", "a panel answers the members’ questions live"
    ),
    writings=(live_writings,),
    asked=(live_asked,),
)
