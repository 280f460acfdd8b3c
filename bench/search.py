"""Search benchmark (issue 4): 50,000 indexed items of realistic length (150 to 600 words, Zipf
vocabulary: the queries' words are each in 1 to 12% of pages) across 50 communities (20 open, 15
restricted, 15 private; one page in ten OFFICIAL-SENSITIVE), searched by a user who belongs to 5 of them.

- 20 fixed queries (single words, two words, phrases, prefixes, exclusions, OR, title:, filters) through
  the service layer (trimming from the database, the engine, the adapter's re-check, hydration,
  facets, snippets): p95 under 100 ms, and at most 1.5x the same queries run directly on the Whoosh
  index without trimming or hydration (median and p95 ratios).
- Rebuilding the index (``polka search reindex``: read from the database, write a new generation, swap)
  against a raw Whoosh writer fed the same documents: at least 0.8x its rate.
- The outbox: after a page is saved with the applier in the background (as in gunicorn), how long
  until a search finds it (target: within 5 s).

Run with ``.venv/bin/python -m bench.search`` (``make bench`` runs every benchmark). SQLite and Whoosh
in a temporary directory by default; ``--postgresql`` measures PostgreSQL and its own search on a
scratch database made beside ``POLKA_BENCH_POSTGRESQL``'s (dropped after), against
``websearch_to_tsquery`` on the same table as the floor; ``--database-url postgresql://…`` names the
database instead (it must exist and be empty; with ``--built``, one this benchmark built before,
whose queries are measured again without building or indexing). ``--docs`` changes the size (``make
bench`` also runs 250,000 on PostgreSQL).
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, insert, select, text
from whoosh.index import create_in, open_dir
from whoosh.qparser import MultifieldParser

from bench.common import Measure, Report, bench_app, keep_renderings, scratch_postgresql, time_calls
from polka.accounts.models import User
from polka.accounts.services import create_user
from polka.communities.models import Community, Role, Visibility
from polka.communities.services import add_member, create_community
from polka.db import transaction
from polka.markings import Marking
from polka.organisations.models import Organisation
from polka.organisations.services import sync_organisations
from polka.search.applier import OutboxApplier
from polka.search.documents import SearchDocument
from polka.search.whoosh_reading import document_fields, make_schema
from polka.site_search import service
from polka.site_search.params import SearchParams
from polka.wiki import services as wiki_services
from polka.wiki.kinds import PAGE_KIND
from polka.wiki.models import RevisionStatus, WikiPage, WikiRevision
from polka.wiki.search import WikiSearch

PASSWORD = "lantern-quietly-harbour-91"
#: The member of 5 communities who searches.
SEARCHER = "searcher@met.police.uk"
COMMUNITIES = 50
USERS = 300
# A Zipf vocabulary, as in prose: general English first (stop words among them), then the words of the
# domain spread over ranks 150 to 3,000 — as specialist words sit in real writing, so a query word like
# "custody" is in a few percent of pages, not half of them — then a long tail of rare words.
GENERAL = (  # noqa: SIM905  (a paragraph of words reads better than a list literal)
    "the of and to a in is for that on with as are be by this it at from or an was will have which not "
    "we they all can has their more one would there been if no when who what so up out about into than "
    "them only other its also new some could time these two may then do first any now such like our "
    "over even most made after well year years people way work make use used need day part same each "
    "help know good back much how where should through between both under last long great little own "
    "see take get come give think look want tell ask show try call keep turn start run move live hold "
    "bring happen write provide sit stand lose pay meet include continue set learn change lead "
    "understand watch follow stop create speak read allow add spend grow open walk win offer remember "
    "consider appear buy wait serve die send expect build stay fall cut reach kill remain suggest"
).split()
DOMAIN = (  # noqa: SIM905
    "police officer force national computer check vehicle keeper record bureau supervisor audit reason "
    "code liaison letter schedule region regional meeting minutes custody intelligence partner "
    "safeguarding rota training release update procedure identity witness statement evidence case "
    "study outcome investigation review practice guidance team unit local neighbourhood community "
    "response crime victim offender arrest interview charge court probation prison youth domestic "
    "abuse violence missing person child adult risk assessment referral partnership council health "
    "school housing mental support officers staff inspector sergeant constable detective chief "
    "superintendent command control room call incident report data information sharing agreement "
    "policy standard process system database search warrant property exhibit forensic digital "
    "device phone analysis cyber fraud finance money drugs weapons firearms knife road traffic "
    "collision speed camera patrol operation plan briefing debrief lessons learned pilot project "
    "evaluation results performance measure target budget resource demand shift duty leave"
).split()
RARE_WORDS = 30_000
SYLLABLES = "ka ro mi ten sul bra dex vor lin pha qui zan mel tor gru sen fai lo wex hib cor dun ash".split()  # noqa: SIM905
#: Phrases practitioners write often.
PHRASES = [
    "missing person",
    "risk assessment",
    "lessons learned",
    "custody review",
    "domestic abuse",
    "firearms training",
    "case study",
    "best practice",
]


def vocabulary(rng: random.Random) -> list[str]:
    """Every word in rank order (see GENERAL and DOMAIN)."""
    rare: set[str] = set()
    while len(rare) < RARE_WORDS:
        rare.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    words = GENERAL + sorted(rare)
    spacing = (3_000 - len(GENERAL)) // len(DOMAIN)
    for n, word in enumerate(DOMAIN):
        words.insert(len(GENERAL) + n * spacing, word)
    return words


def body(rng: random.Random, words: list[str], weights: list[float]) -> str:
    """150 to 600 words (about 300 on average) in sentences and paragraphs."""
    count = int(rng.triangular(150, 600, 220))
    chosen = rng.choices(words, weights=weights, k=count)
    sentences, at = [], 0
    while at < count:
        length = rng.randint(8, 22)
        sentence = chosen[at : at + length]
        if rng.random() < 0.03:
            sentence.insert(rng.randrange(len(sentence) + 1), rng.choice(PHRASES))
        sentences.append(" ".join(sentence).capitalize() + ".")
        at += length
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    return "\n\n".join(paragraphs) + "\n"


def build_site(app: Flask, docs: int) -> dict[str, Any]:
    """Bulk-load communities, users and pages (core inserts: this measures searching, not saving)."""
    rng = random.Random(2026)
    words = vocabulary(rng)
    weights = [1 / (rank + 2.7) for rank in range(len(words))]  # Zipf–Mandelbrot
    factory = app.extensions["polka.sessions"]
    hasher = app.extensions["polka.passwords"]
    with factory() as session, transaction(session):
        sync_organisations(session)
        organisations = list(session.scalars(select(Organisation.id)))
        searcher = create_user(session, hasher, email=SEARCHER, name="Bench Searcher", password=PASSWORD)
        visibilities = [Visibility.OPEN] * 20 + [Visibility.RESTRICTED] * 15 + [Visibility.PRIVATE] * 15
        communities = [
            create_community(
                session,
                None,
                name=f"Community {n:02d}",
                visibility=visibilities[n],
                marking_ceiling=Marking.OFFICIAL_SENSITIVE,
                managers=[],
            )
            for n in range(COMMUNITIES)
        ]
        # The searcher belongs to 5: two open, two restricted, one private.
        for n in (0, 1, 20, 21, 35):
            add_member(session, communities[n], searcher, Role.MEMBER)
        session.flush()
        community_ids = [c.id for c in communities]
        searcher_id = searcher.id
    with factory() as session, transaction(session):
        session.execute(
            insert(User),
            [
                {
                    "email": f"author{n}@police.uk",
                    "handle": f"author-{n}",
                    "name": f"Author {n}",
                    "password_hash": "x",
                    "organisation_id": organisations[n % len(organisations)],
                    "status": "active",
                }
                for n in range(USERS)
            ],
        )
        authors = list(session.scalars(select(User.id).where(User.email.like("author%"))))
    started = time.perf_counter()
    now = datetime.now(UTC)
    batch = 5_000
    for first in range(0, docs, batch):
        numbers = range(first, min(docs, first + batch))
        with factory() as session, transaction(session):
            rows = []
            for n in numbers:
                moment = now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
                rows.append(
                    {
                        "community_id": community_ids[n % COMMUNITIES],
                        "slug": f"page-{n}",
                        "title": " ".join(rng.choices(DOMAIN, k=rng.randint(2, 6))).capitalize() + f" {n}",
                        "head_number": 1,
                        "marking": Marking.OFFICIAL_SENSITIVE if n % 10 == 0 else Marking.OFFICIAL,
                        "created_at": moment,
                        "updated_at": moment,
                        "updated_by_id": authors[n % len(authors)],
                    }
                )
            session.execute(insert(WikiPage), rows)
            slugs = [row["slug"] for row in rows]
            ids = {
                r.slug: r.id
                for r in session.execute(select(WikiPage.slug, WikiPage.id).where(WikiPage.slug.in_(slugs)))
            }
            session.execute(
                insert(WikiRevision),
                [
                    {
                        "page_id": ids[row["slug"]],
                        "number": 1,
                        "base_number": 0,
                        "status": RevisionStatus.APPROVED,
                        "title": row["title"],
                        "body": body(rng, words, weights),
                        "summary": "",
                        "size": 0,
                        "author_id": row["updated_by_id"],
                        "created_at": row["created_at"],
                    }
                    for row in rows
                ],
            )
    with factory() as session, transaction(session):
        keep_renderings(session)  # as saving a page does: the index reads the kept HTML
        session.execute(text("ANALYZE"))
    print(f"loaded {docs:,} pages (rendered and kept) in {time.perf_counter() - started:.0f} s")
    return {"searcher_id": searcher_id, "community_ids": community_ids}


# (what the user types, extra parameters, the same query in Whoosh's own syntax)
QUERIES: list[tuple[str, dict[str, Any], str]] = [
    ("custody", {}, "custody"),
    ("safeguarding", {}, "safeguarding"),
    ("intelligence", {}, "intelligence"),
    ("briefing", {}, "briefing"),
    ("custody review", {}, "custody review"),
    ("missing person", {}, "missing person"),
    ("domestic abuse", {}, "domestic abuse"),
    ("firearms training", {}, "firearms training"),
    ('"missing person"', {}, '"missing person"'),
    ('"risk assessment"', {}, '"risk assessment"'),
    ('"lessons learned"', {}, '"lessons learned"'),
    ("investigat*", {}, "investigat*"),
    ("safeg*", {}, "safeg*"),
    ("forens*", {}, "forens*"),
    ("custody -court", {}, "custody NOT court"),
    ("drugs OR weapons", {}, "drugs OR weapons"),
    ("title:review", {}, "title:review"),
    ("custody", {"kinds": frozenset({PAGE_KIND})}, "custody"),
    ("safeguarding", {"updated_from": (datetime.now(UTC) - timedelta(days=365)).date()}, "safeguarding"),
    ("intelligence", {"mine": True, "sort": "date"}, "intelligence"),
]


def service_runner(app: Flask, searcher_id: int, q: str, extra: dict[str, Any]) -> Any:
    """One search as a request makes it: a fresh session, the user read, trimming, hydration, facets."""
    from polka.search.backend import Sort

    options: dict[str, Any] = {k: (Sort(v) if k == "sort" else v) for k, v in extra.items()}
    params = SearchParams(q=q, **options)
    sessions = app.extensions["polka.sessions"]
    engine = app.extensions["polka.search"].backend

    def run() -> None:
        with app.test_request_context("/search"), sessions() as session:
            user = session.get(User, searcher_id)
            outcome = service.search(session, user, params, engine)
            assert outcome.total > 0, q

    return run


def raw_runner(searcher: Any, parser: Any, raw: str) -> Any:
    """The same query straight on the index: no trimming, no filters, no facets, snippets or hydration."""
    query = parser.parse(raw)

    def run() -> None:
        results = searcher.search(query, limit=20)
        [hit["key"] for hit in results]

    return run


def raw_pg_runner(app: Flask, q: str) -> Any:
    """The same query straight on the PostgreSQL backend's table with PostgreSQL's own parser, over
    the same exact index of stems, ranked on the same lead: no trimming, filters, facets, snippets,
    hydration or partial matches, and phrases as their words anywhere (the floor)."""
    if q.endswith("*"):
        function, argument = "to_tsquery", q.removesuffix("*") + ":*"  # websearch has no prefixes
    else:
        function, argument = "websearch_to_tsquery", q.replace("title:", "")
    statement = text(
        f"SELECT kind, object_id FROM search_documents, {function}('english', :q) AS q"  # noqa: S608 (one of two names)
        " WHERE terms @@ q ORDER BY ts_rank(lead, q) DESC LIMIT 20"
    )
    engine = app.extensions["polka.engine"]

    def run() -> None:
        with engine.connect() as conn:
            conn.execute(statement, {"q": argument}).all()

    return run


def measure_queries(app: Flask, site: dict[str, Any], report: Report, repeat: int) -> list[str]:
    """The 20 queries through the service, against the same on the raw index (Whoosh: the ratio has a
    target; PostgreSQL: ``websearch_to_tsquery`` on the backend's table, the floor, for information)."""
    applier: OutboxApplier = app.extensions["polka.search"]
    on_whoosh = app.extensions["polka.settings"].search_backend == "whoosh"
    floor = "raw Whoosh" if on_whoosh else "raw websearch_to_tsquery"
    with ExitStack() as stack:
        if on_whoosh:
            root = Path(applier.backend.root)  # type: ignore[attr-defined]
            ix = open_dir(str(root / (root / "CURRENT").read_text().strip()))
            searcher = stack.enter_context(ix.searcher())
            parser = MultifieldParser(["title", "body"], ix.schema)
        ours, raw = [], []
        print(f"{'query':48} {'service median / p95 ms':>24} {'raw median / p95 ms':>22}")
        for q, extra, whoosh_syntax in QUERIES:
            bare_run = raw_runner(searcher, parser, whoosh_syntax) if on_whoosh else raw_pg_runner(app, q)
            one = Measure(q, time_calls(service_runner(app, site["searcher_id"], q, extra), repeat=repeat))
            bare = Measure(q, time_calls(bare_run, repeat=repeat))
            label = f"{q} {', '.join(sorted(extra))}".strip()
            print(
                f"{label:48} {one.median_ms:>13.1f} / {one.p95_ms:>7.1f} {bare.median_ms:>11.1f} / {bare.p95_ms:>7.1f}"
            )
            ours += one.seconds
            raw += bare.seconds
    service_measure = report.add(Measure("20 queries through the service layer", ours, 100, against="p95"))
    raw_measure = report.add(Measure(f"the same queries, {floor}", raw))
    # The target is on p95 (the figure the issue names); the median ratio is shown for information:
    # a raw query answered in 5 ms leaves no room for the database work every real search needs.
    print(f"service / {floor}, median: {service_measure.median_ms / raw_measure.median_ms:.2f}x")
    ratio = service_measure.p95_ms / raw_measure.p95_ms
    line = f"service / {floor}, p95: {ratio:.2f}x" + (" (target at most 1.5x)" if on_whoosh else "")
    print(line)
    return [line] if on_whoosh and ratio > 1.5 else []


def measure_reindex(app: Flask, docs: int) -> list[str]:
    applier: OutboxApplier = app.extensions["polka.search"]
    started = time.perf_counter()
    indexed = applier.rebuild()
    ours = time.perf_counter() - started
    # The pages, and the communities and people searches find too (a few dozen).
    assert docs <= indexed <= docs + COMMUNITIES + USERS + 1, (indexed, docs)
    if app.extensions["polka.settings"].search_backend == "postgresql":
        print(f"reindex: {docs / ours:.0f} items/s (polka search reindex into PostgreSQL, from the database)")
        return []
    adapter = WikiSearch()
    with app.extensions["polka.sessions"]() as session:
        documents: list[SearchDocument] = []
        for ids in adapter.all_ids(session):
            documents += adapter.documents(session, ids).values()
    with tempfile.TemporaryDirectory(prefix="polka-raw-whoosh-") as tmp:
        started = time.perf_counter()
        writer = create_in(tmp, make_schema()).writer(limitmb=256)
        for document in documents:
            writer.add_document(**document_fields(document))
        writer.commit()
        raw = time.perf_counter() - started
    ratio = raw / ours
    line = (
        f"reindex: {docs / ours:.0f} items/s (polka search reindex, from the database) vs "
        f"{docs / raw:.0f} items/s (raw Whoosh writer, documents in memory): {ratio:.2f}x (target at least 0.8x)"
    )
    print(line)
    return [line] if ratio < 0.8 else []


def measure_freshness(app: Flask, site: dict[str, Any], report: Report, saves: int) -> None:
    """Save pages with the applier in a background thread (as in gunicorn) and time until they are found."""
    applier: OutboxApplier = app.extensions["polka.search"]
    applier.inline = False
    sessions = app.extensions["polka.sessions"]
    community_id = site["community_ids"][0]
    seconds = []
    for n in range(saves):
        word = f"freshword{n}x"
        with app.test_request_context("/"), sessions() as session, transaction(session):
            user = session.get(User, site["searcher_id"])
            community = session.get(Community, community_id)
            wiki_services.create_page(
                session,
                user,
                community,
                title=f"Fresh page {n}",
                edit=wiki_services.Edit(f"Mentions {word}.\n"),
            )
        committed = time.perf_counter()
        while True:
            with app.test_request_context("/search"), sessions() as session:
                found = service.search(
                    session,
                    session.get(User, site["searcher_id"]),
                    SearchParams(q=word),
                    app.extensions["polka.search"].backend,
                ).total
            if found or time.perf_counter() - committed > 30:
                break
            time.sleep(0.01)
        seconds.append(time.perf_counter() - committed)
    applier.stop()
    report.add(Measure("a saved page is found by search (background applier)", seconds, 5_000, against="max"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help="a scratch PostgreSQL database (see bench.common) and its search",
    )
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--built",
        action="store_true",
        help="only the queries, on the --database-url this benchmark built and indexed before",
    )
    args = parser.parse_args()
    if args.built and not args.database_url:
        parser.error("--built measures a database named by --database-url")
    with ExitStack() as stack:
        database_url = args.database_url
        if args.postgresql:
            database_url = stack.enter_context(scratch_postgresql("search"))
        run(database_url, args.docs, args.repeat, built=args.built)


def run(database_url: str, docs: int, repeat: int, *, built: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="polka-bench-") as tmp:
        data = Path(tmp)
        app, url = bench_app(data, database_url, search_inline=True)
        if built:
            with app.extensions["polka.sessions"]() as session:
                searcher_id = session.scalar(select(User.id).where(User.email == SEARCHER))
                docs = session.scalar(select(func.count()).select_from(WikiPage)) or 0
            if searcher_id is None or not docs:
                raise SystemExit(f"{url} holds no site this benchmark built")
            site: dict[str, Any] = {"searcher_id": searcher_id}
            problems: list[str] = []
        else:
            site = build_site(app, docs)
            problems = measure_reindex(app, docs)
        backend = app.extensions["polka.settings"].search_backend
        report = Report(
            f"Search: {docs:,} items in {COMMUNITIES} communities, a member of 5"
            f" ({url.split(':')[0]}, {backend} search)"
        )
        problems += measure_queries(app, site, report, repeat)
        if not built:  # it saves pages: a kept database stays as it was built
            measure_freshness(app, site, report, saves=10)
        shutil.rmtree(data / "search", ignore_errors=True)
        for line in problems:
            print("MISSED:", line)
        if problems:
            report.print()
            raise SystemExit(1)
        report.exit()


if __name__ == "__main__":
    main()
