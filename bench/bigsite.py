"""The large data set of the page benchmark (issue 13): 10,000 wiki pages across 50 communities, with
their revisions (30,000), page trees and links, 2,000 documents in folders with a stored file, 500
people in three communities each, and 50,000 activity events; each page's current revision rendered and
kept (as saving does); then the search index rebuilt.

Communities, the reader and their memberships go through the services; the bulk (users, pages,
revisions, links, documents, events) through core inserts, in a few transactions: the benchmark
measures reading pages, not writing them. Loads in well under two minutes on SQLite.
"""

from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from bench.common import keep_renderings
from bench.wiki import PASSWORD
from bench.wiki import WORDS as WIKI_WORDS
from polka.accounts.models import User
from polka.accounts.services import create_user
from polka.activity.models import Activity
from polka.communities.models import Membership, Role, Visibility
from polka.communities.services import add_member, create_community
from polka.db import transaction, utcnow
from polka.docs.models import Document, DocumentStatus, Folder, Version
from polka.markings import Marking
from polka.organisations.models import Organisation
from polka.organisations.services import sync_organisations
from polka.storage import FileStore
from polka.wiki.models import RevisionStatus, WikiLink, WikiPage, WikiRevision

COMMUNITIES = 50
PAGES_EACH = 200  # 10,000 pages
TOP_PAGES = 10  # each community's tree: 10 top pages, the others their children
DOCUMENTS_EACH = 40  # 2,000 documents
FOLDERS_EACH = 4
USERS = 500
EVENTS = 50_000
READER_EMAIL = "reader@met.police.uk"
WORDS = [
    *WIKI_WORDS,
    *("briefing", "missing", "person", "risk", "assessment", "firearms", "neighbourhood", "patrol"),
    *("problem", "solving", "forensic", "exhibit", "warrant", "court", "disclosure", "review", "lessons"),
]


@dataclass(frozen=True)
class BigSite:
    """What the benchmark opens on the large site."""

    reader_email: str
    password: str
    community: str  # the reader's community whose pages are measured
    page: str  # a top page there with 5 revisions and 19 children
    document_id: int
    person_id: int  # someone else, for the profile page
    search: str


def _body(rng: random.Random, n: int, links: list[str]) -> str:
    paragraphs = [" ".join(rng.choices(WORDS, k=rng.randint(30, 60))).capitalize() + "." for _ in range(3)]
    see_also = " ".join(f"[[{slug}]]" for slug in links)
    return f"## Section {n}\n\n{paragraphs[0]}\n\n{paragraphs[1]}\n\n## See also\n\n{see_also}\n\n{paragraphs[2]}\n"


def build_big_site(app: Flask) -> BigSite:
    """Load the large data set into ``app``'s empty database; what the benchmark opens on it."""
    started = time.perf_counter()
    rng = random.Random(13)
    factory = app.extensions["polka.sessions"]
    hasher = app.extensions["polka.passwords"]
    with factory() as session, transaction(session):
        sync_organisations(session)
        organisations = list(session.scalars(select(Organisation.id)))
        reader = create_user(session, hasher, email=READER_EMAIL, name="Bench Reader", password=PASSWORD)
        visibilities = [Visibility.OPEN] * 30 + [Visibility.RESTRICTED] * 12 + [Visibility.PRIVATE] * 8
        communities = [
            create_community(
                session,
                None,
                name=f"Community {n:02d}",
                visibility=visibilities[(n * 7) % COMMUNITIES],
                marking_ceiling=Marking.OFFICIAL_SENSITIVE,
                summary=f"Practitioners' community number {n}",
                description=" ".join(rng.choices(WORDS, k=40)),
                managers=[],
            )
            for n in range(COMMUNITIES)
        ]
        for community in communities[:10]:  # the reader belongs to 10 of the 50
            add_member(session, community, reader, Role.MEMBER)
        session.flush()
        community_ids = [c.id for c in communities]
        slugs = {c.id: c.slug for c in communities}
    with factory() as session, transaction(session):
        now = utcnow()
        session.execute(
            insert(User),
            [
                {
                    "email": f"person{n}@police.uk",
                    "name": f"Person {n:03d}",
                    "password_hash": "x",
                    "status": "active",
                    "email_verified_at": now,
                    "organisation_id": organisations[n % len(organisations)],
                }
                for n in range(USERS)
            ],
        )
        people = list(session.scalars(select(User.id).where(User.email.like("person%")).order_by(User.id)))
        session.execute(
            insert(Membership),
            [
                {"user_id": person, "community_id": community, "role": Role.MEMBER}
                for person in people
                for community in rng.sample(community_ids, 3)
            ],
        )
        pages = _pages(session, rng, community_ids, people)
        documents = _documents(session, rng, app, community_ids, people)
        _events(session, rng, community_ids, people, pages, documents)
    loaded = time.perf_counter() - started
    indexed = app.extensions["polka.search"].rebuild()
    with factory() as session, transaction(session):
        session.execute(text("ANALYZE"))
    print(
        f"large site: {len(pages):,} pages, {len(documents):,} documents, {EVENTS:,} events loaded in "
        f"{loaded:.0f} s; {indexed:,} items indexed in {time.perf_counter() - started - loaded:.0f} s"
    )
    first = community_ids[0]
    return BigSite(
        reader_email=READER_EMAIL,
        password=PASSWORD,
        community=slugs[first],
        page="page-0-4",
        document_id=min(d for d, c in documents if c == first),
        person_id=people[0],
        search="custody review",
    )


def _pages(
    session: Session, rng: random.Random, community_ids: list[int], people: list[int]
) -> list[tuple[int, int]]:
    """Pages (page ``k`` has ``1 + k % 5`` revisions), their trees and links; (id, community id) each."""
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for c, community in enumerate(community_ids):
        for k in range(PAGES_EACH):
            moment = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            rows.append(
                {
                    "community_id": community,
                    "slug": f"page-{c}-{k}",
                    "title": f"{' '.join(rng.choices(WORDS, k=3)).capitalize()} {c}-{k}",
                    "head_number": 1 + k % 5,
                    "marking": Marking.OFFICIAL_SENSITIVE if k % 8 == 7 else Marking.OFFICIAL,
                    "created_at": moment,
                    "updated_at": moment,
                    "created_by_id": rng.choice(people),
                    "updated_by_id": rng.choice(people),
                }
            )
    session.execute(insert(WikiPage), rows)
    ids = {
        r.slug: (r.id, r.community_id)
        for r in session.execute(select(WikiPage.slug, WikiPage.id, WikiPage.community_id))
    }
    parents = []
    revisions = []
    links = []
    for row in rows:
        page_id, community = ids[row["slug"]]
        c, k = (int(part) for part in row["slug"].split("-")[1:])
        if k >= TOP_PAGES:
            parents.append({"id": page_id, "parent_id": ids[f"page-{c}-{k % TOP_PAGES}"][0]})
        targets = [f"page-{c}-{rng.randrange(PAGES_EACH)}" for _ in range(2)]
        links += [{"page_id": page_id, "target_slug": t, "community_id": community} for t in set(targets)]
        for number in range(1, row["head_number"] + 1):
            body = _body(rng, number, targets)
            revisions.append(
                {
                    "page_id": page_id,
                    "number": number,
                    "base_number": number - 1,
                    "status": RevisionStatus.APPROVED,
                    "title": row["title"],
                    "body": body,
                    "summary": f"Edit {number}",
                    "size": len(body),
                    "author_id": rng.choice(people),
                    "created_at": row["created_at"] + timedelta(hours=number),
                }
            )
    session.execute(update(WikiPage), parents)
    for first in range(0, len(revisions), 5_000):
        session.execute(insert(WikiRevision), revisions[first : first + 5_000])
    session.execute(insert(WikiLink), links)
    keep_renderings(session)
    return list(ids.values())


def _documents(
    session: Session, rng: random.Random, app: Flask, community_ids: list[int], people: list[int]
) -> list[tuple[int, int]]:
    """Approved documents in folders, each with one version of one stored text file; (id, community id)."""
    content = ("\n".join(" ".join(rng.choices(WORDS, k=12)) for _ in range(40)) + "\n").encode()
    store: FileStore = app.extensions["polka.files"]
    stored = store.save_stream(io.BytesIO(content), len(content))
    now = utcnow()
    session.execute(
        insert(Folder),
        [{"community_id": c, "name": f"Folder {f}"} for c in community_ids for f in range(FOLDERS_EACH)],
    )
    folders: dict[int, list[int]] = {}
    for folder_id, community in session.execute(select(Folder.id, Folder.community_id)):
        folders.setdefault(community, []).append(folder_id)
    rows = [
        {
            "community_id": community,
            "folder_id": rng.choice(folders[community]),
            "title": f"{' '.join(rng.choices(WORDS, k=4)).capitalize()} {n}",
            "tags": ",".join(rng.sample(WORDS, 2)),
            "status": DocumentStatus.APPROVED,
            "approved_number": 1,
            "approved_at": now,
            "head_number": 1,
            "size": len(content),
            "family": "text",
            "marking": Marking.OFFICIAL_SENSITIVE if n % 8 == 7 else Marking.OFFICIAL,
            "created_at": now,
            "updated_at": now,
            "created_by_id": rng.choice(people),
            "updated_by_id": rng.choice(people),
        }
        for community in community_ids
        for n in range(DOCUMENTS_EACH)
    ]
    session.execute(insert(Document), rows)
    documents = [(r.id, r.community_id) for r in session.execute(select(Document.id, Document.community_id))]
    session.execute(
        insert(Version),
        [
            {
                "document_id": document,
                "number": 1,
                "sha256": stored.sha256,
                "size": len(content),
                "filename": f"document-{document}.txt",
                "media_type": "text/plain",
                "family": "text",
                "note": "First version",
                "uploaded_by_id": rng.choice(people),
                "created_at": now,
                "approved_at": now,
            }
            for document, _ in documents
        ],
    )
    return documents


def _events(
    session: Session,
    rng: random.Random,
    community_ids: list[int],
    people: list[int],
    pages: list[tuple[int, int]],
    documents: list[tuple[int, int]],
) -> None:
    """A year of joins, page edits and uploads pointing at real objects."""
    now = utcnow()
    events: list[dict[str, Any]] = []
    for _ in range(EVENTS):
        roll = rng.random()
        if roll < 0.1:
            community = rng.choice(community_ids)
            kind, target, verb = "communities.community", community, "joined"
        elif roll < 0.75:
            target, community = rng.choice(pages)
            kind, verb = "wiki.page", rng.choice(["created", "edited", "edited"])
        else:
            target, community = rng.choice(documents)
            kind, verb = "docs.document", rng.choice(["uploaded", "updated"])
        events.append(
            {
                "created_at": now - timedelta(seconds=rng.randrange(365 * 24 * 3600)),
                "actor_id": rng.choice(people),
                "verb": verb,
                "community_id": community,
                "target_kind": kind,
                "target_id": target,
            }
        )
    session.execute(insert(Activity), events)
