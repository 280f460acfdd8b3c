"""Composition: wire settings, database, security, sign-in, templates, blueprints and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from polka import models  # noqa: F401  (every table registered on Base.metadata)
from polka.accounts.expiry import keep_signed_out_post, restore_kept_values
from polka.accounts.passwords import PasswordHashing
from polka.accounts.timeout_views import session_timeout
from polka.accounts.web import current_user, load_user, require_signed_in
from polka.config import Settings
from polka.db import make_engine, make_session_factory, transaction
from polka.error_pages import register_error_pages
from polka.http import PolkaRequest, close_db
from polka.ids import IdConverter
from polka.jobs.periodic import Periodic
from polka.jobs.runner import JobRunner
from polka.mail import MAIL_JOB, mail_handler
from polka.markings import Marking
from polka.permissions import SITE, Action, can, offers
from polka.search.applier import FileLock, OutboxApplier
from polka.search.outbox import changes_queued
from polka.search.whoosh_backend import WhooshBackend
from polka.security import init_security
from polka.storage import FileStore
from polka.templating import init_templating


class PolkaSessionInterface(SecureCookieSessionInterface):
    """The signed cookie is marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request and request.is_secure) or super().get_cookie_secure(app)


def configure(app: Flask, settings: Settings) -> None:
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="polka_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The file limit plus room for the rest of a multipart form; the file itself is held to the
        # exact limit while it is stored (FileTooLarge).
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024 + 64 * 1024,
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session, which expires itself
        WTF_CSRF_SSL_STRICT=True,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.session_interface = PolkaSessionInterface()
    app.request_class = PolkaRequest
    app.url_map.converters["int"] = IdConverter  # every <int:…> in a route is an id: others are 404
    engine = make_engine(settings.database_url)
    app.extensions["polka.settings"] = settings
    app.extensions["polka.engine"] = engine
    app.extensions["polka.sessions"] = make_session_factory(engine)
    app.extensions["polka.files"] = FileStore(settings.files_dir)
    app.extensions["polka.passwords"] = PasswordHashing(settings.argon2_time_cost, settings.argon2_memory_kib)
    app.extensions["polka.jobs"] = JobRunner(
        app.extensions["polka.sessions"], {MAIL_JOB: mail_handler(settings)}
    )
    _configure_search(app, settings)
    _configure_documents(app, settings)
    _configure_drafts(app)

    init_security(app, settings)  # first: a refused network's request body is never even read
    CSRFProtect(app)  # reads a form (an upload's files) before any database work holds a lock
    app.before_request(load_user)
    app.before_request(keep_signed_out_post)
    app.before_request(require_signed_in)
    app.before_request(restore_kept_values)
    app.teardown_appcontext(close_db)
    init_templating(app)
    app.jinja_env.globals.update(
        can=_can, Action=Action, SITE=SITE, Marking=Marking, current_user=current_user
    )
    app.jinja_env.globals["offers"] = _offers
    _register_content()
    _register_blueprints(app)
    app.jinja_env.globals["session_timeout"] = session_timeout
    register_error_pages(app)
    _register_cli(app)


def _configure_search(app: Flask, settings: Settings) -> None:
    """The search index and its outbox applier, woken after every commit that queued a change."""
    sessions: sessionmaker[Session] = app.extensions["polka.sessions"]
    applier = OutboxApplier(
        sessions,
        WhooshBackend(settings.search_dir / "index"),
        FileLock(settings.search_dir / "outbox.lock"),
        inline=settings.search_inline,
    )
    app.extensions["polka.search"] = applier
    app.extensions["polka.jobs"].idle_tasks.append(applier.drain_quietly)

    def after_commit(session: Session) -> None:
        if changes_queued(session):
            applier.notify()

    def after_rollback(session: Session, _previous: object) -> None:
        changes_queued(session)  # a rolled-back change was never made: nothing to apply

    event.listen(sessions, "after_commit", after_commit)
    event.listen(sessions, "after_soft_rollback", after_rollback)
    # Rows a crashed process left behind are applied when this one serves its first request.
    app.before_request_funcs.setdefault(None, []).insert(0, _once(applier.notify))


def _once(action: Callable[[], None]) -> Callable[[], None]:
    done = False

    def run_once() -> None:
        nonlocal done
        if not done:
            done = True
            action()

    return run_once


def _can(action: Action, target: object) -> bool:
    """``can`` for templates: always about the signed-in user."""
    return can(current_user(), action, target)


def _offers(action: Action, target: object) -> bool:
    """``offers`` for templates: whether to show the signed-in user a power (see polka.permissions)."""
    return offers(current_user(), action, target)


def _configure_documents(app: Flask, settings: Settings) -> None:
    """The library's background job (reading the text out of each uploaded version) and the worker's
    housekeeping: temporary files left by crashed uploads, documents past their time in the bin, and
    stored files no row refers to any more."""
    from polka.docs.bin import purge_expired
    from polka.docs.processing import JOB, extraction_handler
    from polka.docs.processing import stored_hashes as document_files
    from polka.wiki.attachments import stored_hashes as attachment_files

    runner: JobRunner = app.extensions["polka.jobs"]
    store: FileStore = app.extensions["polka.files"]
    sessions: sessionmaker[Session] = app.extensions["polka.sessions"]
    runner.register(JOB, extraction_handler(settings, store))

    def empty_bins() -> None:
        with sessions() as session, transaction(session):
            purge_expired(session)

    runner.idle_tasks.append(
        Periodic(
            "sweep temporary files", timedelta(hours=1), lambda: store.sweep_temp_files(timedelta(hours=6))
        )
    )

    def referenced_files() -> set[str]:
        with sessions() as session:
            return document_files(session) | attachment_files(session)

    runner.idle_tasks.append(Periodic("empty the document bins", timedelta(hours=24), empty_bins))
    runner.idle_tasks.append(
        Periodic(
            "remove unreferenced files",
            timedelta(hours=24),
            lambda: store.collect_garbage(referenced_files, older_than=timedelta(days=1)),
        )
    )


def _configure_drafts(app: Flask) -> None:
    """The worker's housekeeping: drafts nobody came back to (``polka.drafts``) expire."""
    from polka.drafts.services import purge_expired

    sessions: sessionmaker[Session] = app.extensions["polka.sessions"]

    def remove_expired_drafts() -> None:
        with sessions() as session, transaction(session):
            purge_expired(session)

    app.extensions["polka.jobs"].idle_tasks.append(
        Periodic("remove expired drafts", timedelta(hours=24), remove_expired_drafts)
    )


def _register_content() -> None:
    """Tell core rules about each feature's content (features never import each other or register
    themselves on import)."""
    from polka.communities.content import register_above_ceiling_counter
    from polka.communities.kinds import COMMUNITY
    from polka.content.kinds import register_kind as register_content_kind
    from polka.crossrefs.services import register_finder, register_kind
    from polka.docs.bin import count_above_ceiling as documents_above_ceiling
    from polka.docs.crossref import KIND as DOCUMENT
    from polka.docs.crossref import find_documents, resolve_documents
    from polka.docs.drafting import KINDS as document_drafts
    from polka.docs.kinds import DOCUMENT as DOCUMENT_KIND
    from polka.docs.search import DocumentSearch
    from polka.drafts.services import register_draft_kind
    from polka.search.registry import register_adapter
    from polka.wiki.crossref import resolve_pages
    from polka.wiki.drafting import KINDS as wiki_drafts
    from polka.wiki.kinds import PAGE
    from polka.wiki.pages import count_above_ceiling
    from polka.wiki.search import KIND as WIKI_PAGE
    from polka.wiki.search import WikiSearch

    for kind in (COMMUNITY, PAGE, DOCUMENT_KIND):
        register_content_kind(kind)
    register_above_ceiling_counter("wiki pages", count_above_ceiling)
    register_above_ceiling_counter("documents", documents_above_ceiling)
    register_adapter(WikiSearch())
    register_adapter(DocumentSearch())
    register_kind(WIKI_PAGE, resolve_pages)
    register_kind(DOCUMENT, resolve_documents)
    for draft_kind in (*wiki_drafts, *document_drafts):
        register_draft_kind(draft_kind)
    register_finder(DOCUMENT, find_documents)


def _register_blueprints(app: Flask) -> None:
    from polka.accounts.views import bp as accounts_bp
    from polka.admin import accounts, audit, communities, organisations  # noqa: F401  (admin routes)
    from polka.admin.views import bp as admin_bp
    from polka.communities.views import bp as communities_bp
    from polka.crossrefs.views import bp as crossrefs_bp
    from polka.docs.views import bp as docs_bp
    from polka.drafts.views import bp as drafts_bp
    from polka.help import bp as help_bp
    from polka.home import bp as home_bp
    from polka.people.views import bp as people_bp
    from polka.site_search.views import bp as search_bp
    from polka.wiki.views import bp as wiki_bp

    for bp in (
        home_bp,
        accounts_bp,
        people_bp,
        communities_bp,
        wiki_bp,
        docs_bp,
        search_bp,
        crossrefs_bp,
        admin_bp,
        drafts_bp,
        help_bp,
    ):
        app.register_blueprint(bp)


def _register_cli(app: Flask) -> None:
    from polka.cli import register

    register(app)
