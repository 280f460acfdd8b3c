"""The wiki, as the rest of POLKA sees it (see polka.content.feature): this is the one place that
imports the wiki's view modules."""

from __future__ import annotations

from polka.content.feature import (
    CeilingCounter,
    CommunityLink,
    Feature,
    Purge,
    Routes,
    WaitingQueue,
)
from polka.wiki import (
    attachment_views,
    attachments,
    drafting,
    history_views,
    manage_views,
    models,
    pages,
    pages_port,
    pick_views,
    views,
)
from polka.wiki.blueprint import bp
from polka.wiki.cli import wiki_group
from polka.wiki.demo import load_demo_wiki
from polka.wiki.kinds import PAGE
from polka.wiki.search import WikiSearch
from polka.wiki.waiting import EDITS, edits_waiting
from polka.wiki.writings import wiki_writings

FEATURE = Feature(
    name="wiki",
    label="Wiki",
    routes=Routes(bp, (views, history_views, manage_views, attachment_views, pick_views)),
    models=(models,),
    kinds=(PAGE,),
    search=(WikiSearch(),),
    drafts=drafting.KINDS,
    ceiling_counters=(CeilingCounter("wiki pages", pages.count_above_ceiling),),
    cli=wiki_group,
    purges=(Purge(PAGE.name, pages.purge_deleted),),
    demo=load_demo_wiki,
    stored_files=(attachments.stored_hashes,),
    community_link=CommunityLink("Wiki", "wiki.index", "pages, manuals and case studies"),
    waiting=(WaitingQueue(EDITS, edits_waiting),),
    page_writer=pages_port.write_page,
    writings=(wiki_writings,),
)
