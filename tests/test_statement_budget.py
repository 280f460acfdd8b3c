"""The statement budget (issue 13): every page type a signed-in user opens runs at most ten SQL
statements, pages that gather from every feature at most four plus two per feature, and no page runs
more statements when it shows more rows.

One community world is built small, every page in ``PAGES`` is counted, the world is grown tenfold
(pages, revisions, documents, versions, folders' contents and depth, members, followed items and so
activity) and
every page is counted again: the counts must be equal. A page type a later feature adds is one line in
``PAGES``; a feature whose community link is not walked fails the test.

What every page pays before its own work (the request path: the session, the user and their
memberships, and the header's "waiting for you") is measured on an empty page and named in every
failure. Pages still above the budget are listed in ``OVER_BUDGET`` with the count they may not exceed;
an entry fails as soon as its page meets the budget, so the list only shrinks.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask, render_template_string
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.blog import comments as blog_comments
from polka.blog import services as blog_services
from polka.blog.models import BlogPost
from polka.communities.models import Community, Role, Visibility
from polka.content.kinds import resolve
from polka.db import transaction
from polka.docs import folders, versions
from polka.docs import services as docs_services
from polka.docs.kinds import DOCUMENT_KIND
from polka.docs.models import Document, Folder
from polka.events import attendance, packs
from polka.events import services as events_services
from polka.events.models import Answer, Event, PaperRole
from polka.events.schedule import occurrence_of
from polka.features import FEATURES
from polka.forum import polls
from polka.forum import services as forum_services
from polka.forum.models import ForumCategory, ForumTopic
from polka.insights.rebuild import refresh
from polka.live import answering as live_answering
from polka.live import moderating as live_moderating
from polka.live import questions as live_questions
from polka.live import services as live_services
from polka.live.models import LiveQuestion, LiveSession
from polka.markings import Marking
from polka.recurrence import Repeat
from polka.subscriptions.services import follow
from polka.wiki import services as wiki_services
from polka.wiki.kinds import PAGE_KIND
from polka.wiki.models import WikiPage
from tests.conftest import Factory, Login
from tests.support import Web, statements_run

#: what any page may run
PAGE_BUDGET = 10
#: what a page gathering from every feature may run (the home page, the header's "waiting for you")
GATHERING_BUDGET = 4 + 2 * len(FEATURES)
SMALL, LARGE = 3, 30
#: how many jobs ``run_until_idle`` runs at most in one call
JOBS_AT_ONCE = 1000
#: Pages allowed above the budget, with the statements they may not exceed (none today: every page
#: walked meets it). An entry is a visible, reviewed exception that can only shrink: the test fails when
#: a page goes above its entry, and when it comes down (lower the number, or remove the entry).
OVER_BUDGET: dict[str, int] = {}
#: transaction control is not a query the page asks
_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass
class World:
    """What the pages show: the signed-in reader, the communities and the objects the URLs name."""

    reader: User
    colleague: User
    home: Community
    moderated: Community
    page: WikiPage
    document: Document
    folder: Folder
    #: the deepest folder of a chain that grows with the world (breadcrumbs name every level)
    deep_folder: Folder
    deep_document: Document
    category: ForumCategory
    topic: ForumTopic
    #: a topic the reader started in the community they moderate (their poll, move, merge and split pages)
    debate: ForumTopic
    #: a weekly series the reader organises, with ever more occurrences changed, and one of them
    series: Event
    occurrence: str
    #: a published post of the reader's, with ever more changes, in a blog of ever more posts
    post: BlogPost
    #: a post of the colleague's own blog open to everyone signed in, with ever more comments
    open_post: BlogPost
    #: an open question session the reader organises and answers on the panel of, with ever more
    #: questions approved, voted for and answered, and ever more of the reader's own waiting
    live: LiveSession
    #: an approved question of it
    question: LiveQuestion
    #: an open session in the community the reader moderates, with ever more questions waiting
    moderated_live: LiveSession
    waiting: LiveQuestion


@dataclass(frozen=True)
class PageType:
    """A page type a signed-in user opens, its address in the world, and its budget."""

    name: str
    url: Callable[[World], str]
    budget: int = PAGE_BUDGET
    #: whether it runs as many statements on the large world as on the small one. Search results
    #: re-check their hits one kind at a time, so they run a statement for each kind on the page,
    #: whichever kinds rank first: a full page of hits at both sizes, held to the budget, shows
    #: that nothing is read once a hit.
    steady: bool = True


def _this_month() -> str:
    today = datetime.now(UTC)
    return f"{today.year}/{today.month}"


def _one_back(world: World) -> str:
    """The token of a page that has seen every change to the walked session but the last (and none of
    the reader's own): the update it asks for holds one question."""
    return f"{world.live.version - 1}.0.open.1011"


def _wiki(world: World) -> str:
    return f"/c/{world.home.slug}/wiki/"


PAGES: tuple[PageType, ...] = (
    PageType("home", lambda w: "/", GATHERING_BUDGET),
    PageType("communities index", lambda w: "/c/"),
    # a community's home gathers from every feature: its activity is resolved one kind at a time
    PageType("community home", lambda w: f"/c/{w.home.slug}/", GATHERING_BUDGET),
    PageType("wiki index", _wiki),
    PageType("wiki page", lambda w: f"{_wiki(w)}{w.page.slug}"),
    PageType("wiki history", lambda w: f"{_wiki(w)}{w.page.slug}/history"),
    PageType("wiki diff", lambda w: f"{_wiki(w)}{w.page.slug}/diff"),
    PageType("document library", lambda w: f"/c/{w.home.slug}/docs/"),
    PageType("folder", lambda w: f"/c/{w.home.slug}/docs/folders/{w.folder.id}"),
    PageType("document page", lambda w: f"/c/{w.home.slug}/docs/{w.document.id}"),
    PageType("deep folder", lambda w: f"/c/{w.home.slug}/docs/folders/{w.deep_folder.id}"),
    PageType("document in a deep folder", lambda w: f"/c/{w.home.slug}/docs/{w.deep_document.id}"),
    PageType("forum", lambda w: f"/c/{w.home.slug}/forum/"),
    PageType("forum category", lambda w: f"/c/{w.home.slug}/forum/{w.category.slug}/"),
    PageType("forum latest topics", lambda w: f"/c/{w.home.slug}/forum/latest"),
    PageType("forum topic", lambda w: f"/c/{w.home.slug}/forum/t/{w.topic.id}"),
    PageType("forum add a poll", lambda w: f"/c/{w.moderated.slug}/forum/t/{w.debate.id}/poll"),
    PageType("forum move a topic", lambda w: f"/c/{w.moderated.slug}/forum/t/{w.debate.id}/move"),
    PageType("forum merge a topic", lambda w: f"/c/{w.moderated.slug}/forum/t/{w.debate.id}/merge"),
    PageType("forum split a topic", lambda w: f"/c/{w.moderated.slug}/forum/t/{w.debate.id}/split"),
    PageType("events agenda", lambda w: f"/c/{w.home.slug}/events/"),
    PageType("events past", lambda w: f"/c/{w.home.slug}/events/?show=past"),
    PageType("events organised by me", lambda w: f"/c/{w.home.slug}/events/?show=mine"),
    PageType("events month", lambda w: f"/c/{w.home.slug}/events/month?month=2027-04"),
    PageType("event", lambda w: f"/c/{w.home.slug}/events/{w.series.id}"),
    PageType("event occurrence", lambda w: f"/c/{w.home.slug}/events/{w.series.id}/{w.occurrence}"),
    PageType("add an event", lambda w: f"/c/{w.home.slug}/events/new"),
    PageType("change an event", lambda w: f"/c/{w.home.slug}/events/{w.series.id}/edit"),
    PageType("change one occurrence", lambda w: f"/c/{w.home.slug}/events/{w.series.id}/{w.occurrence}/edit"),
    PageType(
        "change this and following",
        lambda w: f"/c/{w.home.slug}/events/{w.series.id}/{w.occurrence}/following",
    ),
    PageType("cancel an event", lambda w: f"/c/{w.home.slug}/events/{w.series.id}/cancel"),
    PageType("attendance list", lambda w: f"/c/{w.home.slug}/events/{w.series.id}/{w.occurrence}/attendance"),
    PageType("event invitations", lambda w: f"/c/{w.home.slug}/events/{w.series.id}/invitations"),
    PageType("my calendar", lambda w: "/calendar/"),
    PageType("my calendar month", lambda w: "/calendar/month?month=2027-04"),
    PageType("subscribe to my calendar", lambda w: "/calendar/subscribe"),
    PageType("minutes due", lambda w: "/calendar/minutes-due"),
    PageType("blog", lambda w: f"/c/{w.home.slug}/blog/"),
    PageType("blog tag", lambda w: f"/c/{w.home.slug}/blog/?tag=procedure"),
    PageType("blog month", lambda w: f"/c/{w.home.slug}/blog/{_this_month()}/"),
    PageType("blog post", lambda w: f"/c/{w.home.slug}/blog/{w.post.id}"),
    PageType("blog post history", lambda w: f"/c/{w.home.slug}/blog/{w.post.id}/history"),
    PageType("write a blog post", lambda w: f"/c/{w.home.slug}/blog/new"),
    PageType("change a blog post", lambda w: f"/c/{w.home.slug}/blog/{w.post.id}/edit"),
    PageType("delete a blog post", lambda w: f"/c/{w.home.slug}/blog/{w.post.id}/delete"),
    PageType("a person's blog", lambda w: f"/people/{w.colleague.id}/blog/"),
    PageType("one's own blog", lambda w: f"/people/{w.reader.id}/blog/"),
    PageType("write a post of one's own blog", lambda w: f"/people/{w.reader.id}/blog/new"),
    PageType("a post open to everyone", lambda w: f"/people/{w.colleague.id}/blog/{w.open_post.id}"),
    PageType("deleted posts of one's own blog", lambda w: f"/people/{w.reader.id}/blog/deleted"),
    PageType("question sessions", lambda w: f"/c/{w.home.slug}/live/"),
    PageType("question session", lambda w: f"/c/{w.home.slug}/live/{w.live.id}"),
    PageType("question session, every update", lambda w: f"/c/{w.home.slug}/live/{w.live.id}/updates"),
    PageType(
        "question session, one update",
        lambda w: f"/c/{w.home.slug}/live/{w.live.id}/updates?since={_one_back(w)}",
    ),
    PageType("schedule a question session", lambda w: f"/c/{w.home.slug}/live/new"),
    PageType("change a question session", lambda w: f"/c/{w.home.slug}/live/{w.live.id}/edit"),
    PageType(
        "answer a question", lambda w: f"/c/{w.home.slug}/live/{w.live.id}/questions/{w.question.id}/answer"
    ),
    PageType(
        "moderate a question session", lambda w: f"/c/{w.moderated.slug}/live/{w.moderated_live.id}/moderate"
    ),
    PageType(
        "moderation queue update",
        lambda w: f"/c/{w.moderated.slug}/live/{w.moderated_live.id}/updates?queue=1",
    ),
    PageType(
        "edit a question's wording",
        lambda w: f"/c/{w.moderated.slug}/live/{w.moderated_live.id}/questions/{w.waiting.id}/wording",
    ),
    PageType("review queue", lambda w: f"/c/{w.moderated.slug}/moderation/"),
    # the insights follow up what every feature asked, each item named through its kind's resolver
    PageType("community insights", lambda w: f"/c/{w.moderated.slug}/insights", GATHERING_BUDGET),
    PageType(
        "community insights, a year", lambda w: f"/c/{w.moderated.slug}/insights?months=12", GATHERING_BUDGET
    ),
    PageType("moderation log", lambda w: f"/c/{w.moderated.slug}/moderation/log"),
    PageType("moderation settings", lambda w: f"/c/{w.moderated.slug}/moderation/settings"),
    PageType("your reports", lambda w: "/account/reports"),
    # search results hold every feature's items: their hits are re-checked one kind at a time
    PageType("search results", lambda w: "/search?q=procedure", GATHERING_BUDGET, steady=False),
    PageType(
        "community search", lambda w: f"/c/{w.home.slug}/search?q=procedure", GATHERING_BUDGET, steady=False
    ),
    PageType("people directory", lambda w: "/people/"),
    PageType("profile", lambda w: f"/people/{w.colleague.id}"),
    PageType("account", lambda w: "/account"),
    PageType("following", lambda w: "/account/following"),
    PageType("feed links", lambda w: "/account/feeds"),
    # notifications are about every feature's items: they are resolved one kind at a time
    PageType("notifications", lambda w: "/notifications/", GATHERING_BUDGET),
    PageType("unread notifications", lambda w: "/notifications/?show=unread", GATHERING_BUDGET),
    PageType("email preferences", lambda w: "/notifications/preferences"),
)


class Grower:
    """Builds the world through the services and grows it: ``grow(n)`` brings every list to ``n``."""

    def __init__(self, app: Flask, session: Session, make: Factory) -> None:
        self.app = app
        self.session = session
        self.make = make
        self.size = 0
        self.last_answer: int | None = None
        self.reader = make.user("Rae Reader")
        self.colleague = make.user("Cal Colleague")
        self.author = make.user("Ada Author", two_factor=True)
        self.home = make.community("Neighbourhood Policing", ceiling=Marking.OFFICIAL_SENSITIVE)
        self.moderated = make.community("Roads Policing", visibility=Visibility.RESTRICTED)
        self.private = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
        self.elsewhere = make.community("Custody Suites")
        for community in (self.home, self.moderated, self.private, self.elsewhere):
            make.member(community, self.author, Role.MODERATOR)
            make.member(community, self.colleague, Role.MEMBER)
        make.member(self.home, self.reader, Role.MEMBER)
        manager = make.member(self.home, make.user("Mo Manager", two_factor=True), Role.MANAGER)
        make.member(self.moderated, self.reader, Role.MODERATOR)
        make.member(self.moderated, manager, Role.MANAGER)
        make.member(self.private, self.reader, Role.READER)
        with self.writing() as s:
            self.folder = folders.create_folder(
                s, s.merge(self.author), s.merge(self.home), None, "Procedures"
            )
            self.page = self._page(s, self.home, "Stop and search procedure")
            self.category = forum_services.create_category(
                s, s.merge(manager), s.merge(self.home), forum_services.CategoryFields("Questions")
            )
            self.topic = self._topic(s, "Stop and search questions")
            # the walked topic shows everything a topic can: a named poll the reader voted in (its
            # results and voters shown) and a recorded decision
            poll = polls.create_poll(
                s,
                s.merge(self.author),
                self.topic,
                polls.PollFields("Which form?", "Form A\nForm B", named=True),
            )
            s.flush()
            polls.vote(s, s.merge(self.reader), self.topic, poll, [poll.options[0].id])
            polls.record_decision(s, s.merge(self.author), self.topic, "Form A, agreed in March")
            debates = forum_services.create_category(
                s, s.merge(manager), s.merge(self.moderated), forum_services.CategoryFields("Debates")
            )
            self.debate = forum_services.start_topic(
                s, s.merge(self.reader), debates, title="Which road plan?", body="Plan A or plan B?"
            )
        self.document = self._document(self.home, "Custody procedure", folder=self.folder)
        with self.writing() as s:
            self.series = events_services.create_event(
                s, s.merge(self.reader), s.merge(self.home), _event_fields("Team briefing", "2027-04-01", 40)
            )
        self.deep_folder, self.depth = self.folder, 1
        with self.writing() as s:
            self.post = self._post(s, s.merge(self.reader), "Procedure")
            colleague = s.merge(self.colleague)
            self.open_post = blog_services.create_post(
                s, colleague, None, blog_services.PostFields("Open procedure", "For everyone."), personal=True
            )
            blog_services.publish(s, colleague, self.open_post)
        with self.writing() as s:
            self.live = self._live(s, s.merge(self.reader), self.home, panel=self.reader)
            self.moderated_live = self._live(s, s.merge(manager), self.moderated)
        with self.writing() as s:
            self.question = self._approved(s, self.live, s.merge(self.colleague), "Who signs the form?")
            self.waiting = live_questions.ask(
                s, s.merge(self.colleague), s.merge(self.moderated_live), "When?"
            )
        with self.writing() as s:
            # one document and ever more pages: both kinds on the first page of what they follow
            follow(s, s.merge(self.reader), DOCUMENT_KIND, self.document.id)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        self.session.rollback()
        with self.app.test_request_context(), transaction(self.session):
            yield self.session

    def _page(self, s: Session, community: Community, title: str) -> WikiPage:
        saved = wiki_services.create_page(
            s,
            s.merge(self.author),
            s.merge(community),
            title=title,
            edit=wiki_services.Edit(body=f"# {title}\n\nThe procedure.\n", marking=Marking.OFFICIAL),
        )
        return saved.revision.page

    def _topic(self, s: Session, title: str) -> ForumTopic:
        return forum_services.start_topic(
            s, s.merge(self.author), s.merge(self.category), title=title, body="How do you record it?"
        )

    def _live(
        self, s: Session, organiser: User, community: Community, panel: User | None = None
    ) -> LiveSession:
        """A session ``organiser`` schedules in ``community`` (for tomorrow), opened now."""
        live = live_services.create_session(
            s,
            organiser,
            s.merge(community),
            live_services.SessionFields(
                title=f"Questions on {community.name}",
                date=(datetime.now(UTC).date() + timedelta(days=1)).isoformat(),
                opens="10:00",
                closes="11:00",
                panel=f"@{panel.handle}" if panel else "",
                anonymous_allowed=True,
            ),
        )
        live.opens_at, live.closes_at = (
            datetime.now(UTC) - timedelta(minutes=5),
            datetime.now(UTC) + timedelta(days=2),
        )
        return live

    def _approved(self, s: Session, live: LiveSession, author: User, body: str) -> LiveQuestion:
        """A question in the walked session, approved by its community's moderator."""
        asked = live_questions.ask(s, author, s.merge(live), body, anonymous=body.endswith("?"))
        return live_moderating.approve(s, s.merge(self.author), s.merge(live), asked.id)

    def _post(self, s: Session, writer: User, title: str, *, publish: bool = True) -> BlogPost:
        """A post in the home community's blog, tagged as the procedures are."""
        post = blog_services.create_post(
            s,
            writer,
            s.merge(self.home),
            blog_services.PostFields(title, f"{title}: the [[Stop and search procedure]].", tags="procedure"),
        )
        if publish:
            blog_services.publish(s, writer, post)
        return post

    def _upload(self, n: int) -> versions.Upload:
        return versions.Upload(io.BytesIO(f"Procedure {n}.\n".encode()), f"procedure-{n}.txt", 1024 * 1024)

    def _document(self, community: Community, title: str, *, folder: Folder | None = None) -> Document:
        store = self.app.extensions["polka.files"]
        with self.writing() as s:
            return docs_services.upload_document(
                s,
                s.merge(self.author),
                s.merge(community),
                store,
                self._upload(0),
                docs_services.Details(title=title, marking=Marking.OFFICIAL, tags="custody, procedure"),
                s.merge(folder) if folder is not None else None,
            )

    def grow(self, size: int) -> World:
        """Bring each community's pages, documents (half in the folder), members, the walked page's
        revisions, the walked document's versions and the pages the reader follows to ``size``, and
        the chain of folders to ``size`` deep (as deep as folders go), with a document at its foot."""
        store = self.app.extensions["polka.files"]
        for n in range(self.size, size):
            joined = {
                community.id: self.make.member(
                    community, self.make.user(f"Member {community.id}-{n}"), Role.MEMBER
                )
                for community in (self.home, self.moderated, self.private, self.elsewhere)
            }
            attendee = self.make.member(self.home, self.make.user(f"Attendee {n}"))
            with self.writing() as s:
                author, reader = s.merge(self.author), s.merge(self.reader)
                for community in (self.home, self.moderated, self.private, self.elsewhere):
                    page = self._page(s, community, f"Procedure {community.id}-{n}")
                    follow(s, reader, PAGE_KIND, page.id)
                    document = docs_services.upload_document(
                        s,
                        author,
                        s.merge(community),
                        store,
                        self._upload(n),
                        docs_services.Details(
                            title=f"Procedure document {community.id}-{n}", marking=Marking.OFFICIAL
                        ),
                        s.merge(self.folder) if community is self.home and n % 2 else None,
                    )
                for community in (self.home, self.moderated, self.private, self.elsewhere):
                    events_services.create_event(
                        s,
                        author,
                        s.merge(community),
                        _event_fields(f"Meeting {community.id}-{n}", f"2027-04-{n % 28 + 1:02d}", 10),
                    )
                series = s.merge(self.series)
                first = occurrence_of(series, series.start_at)
                attendance.answer(s, s.merge(attendee), series, first, Answer.GOING, f"Note {n}")
                events_services.cancel_occurrence(
                    s,
                    s.merge(self.reader),
                    series,
                    occurrence_of(series, datetime(2027, 4, 1, 10) + timedelta(weeks=n + 1)),
                    "",
                )
                # the first meeting's pack: ever more papers and actions (the reader's own); and ever
                # more past meetings the reader organises, half of them with their minutes
                paper = resolve(s, reader, DOCUMENT_KIND, self.document.id)
                assert paper is not None
                packs.link_paper(s, reader, series, first, paper, PaperRole.PAPER)
                packs.add_action(
                    s,
                    reader,
                    series,
                    first,
                    packs.ActionFields(f"Action {n}", f"@{reader.handle}", "2027-05-01"),
                )
                held_on = datetime.now(UTC).date() - timedelta(days=30 + n)
                held = events_services.create_event(
                    s,
                    reader,
                    s.merge(self.home),
                    replace(
                        _event_fields(f"Held {n}", held_on.isoformat(), 1),
                        repeat=Repeat.NEVER,
                        minutes_taken=True,
                    ),
                )
                if n % 2:
                    packs.link_paper(
                        s, reader, held, occurrence_of(held, held.start_at), paper, PaperRole.MINUTES
                    )
                self._topic(s, f"Question {n}")
                forum_services.reply(s, s.merge(self.colleague), s.merge(self.debate), f"View {n}")
                # each answer quotes the one before and mentions the asker (quotes resolve once a page)
                quoted = f"[quote=post:{self.last_answer}]\nAnswer\n[/quote]\n\n" if self.last_answer else ""
                self.last_answer = forum_services.reply(
                    s,
                    s.merge(self.colleague),
                    s.merge(self.topic),
                    f"{quoted}Answer {n}, @{self.author.handle}",
                ).id
                # ever more posts, published and drafts, and changes to the walked post
                self._post(s, author, f"Weekly update {n}")
                self._post(s, reader, f"Notes {n}", publish=False)
                # ever more posts of people's own blogs, in every community they write in (the
                # reader sees some of the colleague's)
                colleague = s.merge(self.colleague)
                writes = [(reader, self.home), (reader, self.moderated), (reader, None)]
                places = (self.home, self.moderated, self.private, self.elsewhere, None)
                writes += [(colleague, c) for c in places]  # None: open to everyone signed in
                for writer, community in writes:
                    own = blog_services.create_post(
                        s,
                        writer,
                        s.merge(community) if community is not None else None,
                        blog_services.PostFields(
                            f"Own notes {community.id if community else 0}-{n}", "Notes.", tags="notes"
                        ),
                        personal=True,
                    )
                    if n % 2:
                        blog_services.publish(s, writer, own)
                    elif n % 3 == 0 and community is None:
                        blog_services.delete_post(s, writer, own)  # in its author's deleted posts
                # ever more questions in the walked session: approved (by anonymous askers, half of
                # them), voted for and answered; the reader's own waiting; and more waiting to moderate
                voter = s.merge(attendee)
                live = s.merge(self.live)
                question = self._approved(s, live, s.merge(self.colleague), f"Question {n}" + "?" * (n % 2))
                live_questions.vote(s, reader, live, question.id)
                live_questions.vote(s, voter, live, question.id)
                if n % 2:
                    live_answering.answer(
                        s, reader, live, question.id, f"Answer {n}, see [[doc:{self.document.id}]]"
                    )
                live_questions.ask(s, reader, live, f"My question {n}")
                asker = s.merge(joined[self.moderated.id])
                live_questions.ask(s, asker, s.merge(self.moderated_live), f"Waiting {n}")
                open_post = s.merge(self.open_post)
                asked = blog_comments.add_comment(s, reader, open_post, f"Question {n}")
                blog_comments.add_comment(
                    s, colleague, open_post, f"Answer {n}, @{self.reader.handle}", asked.id
                )
                post = s.merge(self.post)
                comment = blog_comments.add_comment(
                    s, s.merge(self.colleague), post, f"Comment {n}, [[doc:{self.document.id}]]"
                )
                blog_comments.add_comment(s, author, post, f"Reply {n}, @{self.colleague.handle}", comment.id)
                blog_services.update_post(
                    s,
                    reader,
                    post,
                    blog_services.PostFields(post.title, f"The procedure, step {n}.", tags="procedure"),
                )
                page = s.merge(self.page)
                wiki_services.save_edit(
                    s,
                    author,
                    page,
                    wiki_services.Edit(
                        body=f"# {page.title}\n\nThe procedure, step {n}.\n",
                        summary=f"Step {n}",
                        marking=page.marking,
                        base_number=page.head_number,
                    ),
                )
                document = s.merge(self.document)
                versions.add_version(
                    s,
                    author,
                    document,
                    store,
                    self._upload(n + 1000),
                    f"Revision {n}",
                    seen_head=document.head_number,
                    limits=versions.Limits(),
                )
        with self.writing() as s:
            author, home = s.merge(self.author), s.merge(self.home)
            while self.depth < min(size, folders.MAX_DEPTH):
                self.depth += 1
                parent = s.merge(self.deep_folder)
                self.deep_folder = folders.create_folder(s, author, home, parent, f"Level {self.depth}")
        self.deep_document = self._document(
            self.home, f"Procedure at level {self.depth}", folder=self.deep_folder
        )
        self.size = size
        while self.app.extensions["polka.jobs"].run_until_idle() == JOBS_AT_ONCE:
            pass  # the notifications of every change above, and their emails
        self.session.rollback()
        with self.writing() as s:
            refresh(s)  # the worker's nightly count of the month's words, for the insights
        with self.writing() as s:
            live = s.get(LiveSession, self.live.id, populate_existing=True)
            assert live is not None
        return World(
            self.reader,
            self.colleague,
            self.home,
            self.moderated,
            self.page,
            self.document,
            self.folder,
            self.deep_folder,
            self.deep_document,
            self.category,
            self.topic,
            self.debate,
            self.series,
            "20270401T1000",
            self.post,
            self.open_post,
            live,
            self.question,
            self.moderated_live,
            self.waiting,
        )


def _event_fields(title: str, day: str, count: int) -> events_services.EventFields:
    """A weekly meeting at 10:00, ``count`` times from ``day``, in a room."""
    return events_services.EventFields(
        title=title,
        start_date=day,
        start_time="10:00",
        end_time="12:00",
        repeat=Repeat.WEEKLY,
        repeat_count=str(count),
        location="Room 3.02",
    )


def _is_query(statement: str) -> bool:
    return not statement.lstrip().upper().startswith(_CONTROL)


def _count(app: Flask, web: Web, url: str) -> list[str]:
    web.get(url)  # once untimed: what a page caches on its first view is not its steady cost
    with statements_run(app, keep=_is_query) as statements:
        response = web.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return statements


def _listed(statements: list[str]) -> str:
    return "\n".join(f"  {n}. {' '.join(s.split())[:120]}" for n, s in enumerate(statements, 1))


EMPTY_PAGE = "/_budget/empty"


@pytest.fixture
def grower(app: Flask, session: Session, make: Factory) -> Grower:
    """The world, and an empty signed-in page on the base template (what every page pays at least)."""

    def empty() -> str:
        return render_template_string('{% extends "base.html" %}{% block content %}{% endblock %}')

    app.add_url_rule(EMPTY_PAGE, "budget_empty", empty)
    return Grower(app, session, make)


def test_every_feature_page_linked_from_a_community_is_walked(app: Flask, grower: Grower) -> None:
    world = grower.grow(1)
    adapter = app.url_map.bind("localhost")
    walked = {adapter.match(page.url(world).split("?")[0])[0] for page in PAGES}
    links = {f.community_link.endpoint for f in FEATURES if f.community_link is not None}
    assert links - walked == set(), "add the feature's pages to PAGES in tests/test_statement_budget.py"


def test_every_page_keeps_to_its_statement_budget_whatever_the_amount_of_data(
    app: Flask, grower: Grower, web: Web, login: Login
) -> None:
    login(grower.reader)
    small_world = grower.grow(SMALL)
    small = {page.name: _count(app, web, page.url(small_world)) for page in PAGES}
    large_world = grower.grow(LARGE)
    large = {page.name: _count(app, web, page.url(large_world)) for page in PAGES}
    request_path = _count(app, web, EMPTY_PAGE)

    failures = []
    for page in PAGES:
        few, many = small[page.name], large[page.name]
        allowed = OVER_BUDGET.get(page.name, page.budget)
        if len(many) > allowed or len(few) > allowed or (page.steady and len(few) != len(many)):
            failures.append(
                f"{page.name}: {len(few)} statements with {SMALL} rows, {len(many)} with {LARGE}"
                f" (may run {allowed}; {len(request_path)} of them are every page's request path)"
                f"\n with {SMALL}:\n{_listed(few)}\n with {LARGE}:\n{_listed(many)}"
            )
        elif page.name in OVER_BUDGET and len(many) < allowed:
            failures.append(
                f"{page.name} now runs {len(many)} statements: lower its entry in OVER_BUDGET"
                + (" (or remove it: it meets the budget)" if len(many) <= page.budget else "")
            )
    assert not failures, "\n\n".join(failures)
    assert set(OVER_BUDGET) <= {page.name for page in PAGES}, "OVER_BUDGET names a page not walked"
