"""The document library, as the rest of POLKA sees it (see polka.content.feature): this is the one place
that imports the library's view modules."""

from __future__ import annotations

from polka.content.feature import (
    CeilingCounter,
    CommunityLink,
    Feature,
    JobHandler,
    Purge,
    Routes,
    WaitingQueue,
)
from polka.docs import (
    bin,
    document_views,
    drafting,
    filing,
    manage_views,
    models,
    offer_views,
    processing,
    views,
)
from polka.docs.blueprint import bp
from polka.docs.cli import docs_group
from polka.docs.demo import load_demo_documents
from polka.docs.kinds import DOCUMENT, FOLDER
from polka.docs.search import DocumentSearch
from polka.docs.waiting import DOCUMENTS, documents_waiting

FEATURE = Feature(
    name="docs",
    label="Documents",
    routes=Routes(bp, (views, document_views, manage_views, offer_views)),
    models=(models,),
    kinds=(DOCUMENT, FOLDER),
    search=(DocumentSearch(),),
    drafts=drafting.KINDS,
    ceiling_counters=(CeilingCounter("documents", bin.count_above_ceiling),),
    cli=docs_group,
    purges=(Purge(DOCUMENT.name, bin.purge_expired),),
    # reading the text out of each uploaded version
    jobs=(JobHandler(processing.JOB, processing.extraction_handler),),
    demo=load_demo_documents,
    stored_files=(processing.stored_hashes,),
    community_link=CommunityLink(
        "Documents", "docs.library", "minutes, schedules, letters and guidance, with their versions"
    ),
    waiting=(WaitingQueue(DOCUMENTS, documents_waiting),),
    filer=filing.file_paper,
)
