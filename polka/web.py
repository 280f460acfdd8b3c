"""Composition: wire settings, database, security, sign-in, templates, blueprints and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from polka import models  # noqa: F401  (every table registered on Base.metadata)
from polka.accounts.expiry import keep_signed_out_post, restore_kept_values
from polka.accounts.passwords import PasswordHashing
from polka.accounts.timeout_views import session_timeout
from polka.accounts.web import current_user, init_login, load_user, require_signed_in
from polka.assets import init_assets
from polka.compression import init_compression
from polka.config import Settings
from polka.content.feature import Routes
from polka.db import make_engine, make_session_factory, transaction
from polka.error_pages import register_error_pages
from polka.features import FEATURES, community_links, glimpses, person_links, referenced_files
from polka.home import waiting_total
from polka.http import PolkaRequest, close_db, db
from polka.ids import IdConverter
from polka.jobs.periodic import Periodic
from polka.jobs.runner import JobRunner
from polka.jobs.turns import Turns
from polka.locks import AdvisoryLock, FileLock, Lock
from polka.logs import configure_logging, init_request_logging
from polka.mail import MAIL_JOB, mail_handler
from polka.markings import Marking
from polka.operations.metrics import init_metrics
from polka.permissions import SITE, Action, can, offers
from polka.search.applier import OutboxApplier
from polka.search.backend import SearchBackend
from polka.search.outbox import changes_queued
from polka.search.pg_backend import PostgresBackend
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
        # Templates are compiled once per process and never checked on disk again, unless the app
        # runs in debug mode (``flask --debug run``), where an edited template shows at once.
        TEMPLATES_AUTO_RELOAD=None,
    )
    app.session_interface = PolkaSessionInterface()
    app.request_class = PolkaRequest
    app.url_map.converters["int"] = IdConverter  # every <int:…> in a route is an id: others are 404
    engine = make_engine(settings.database_url)
    app.extensions["polka.settings"] = settings
    app.extensions["polka.engine"] = engine
    app.extensions["polka.sessions"] = make_session_factory(engine)
    if settings.files_dir == settings.data_dir / "files":
        # Ready for the first upload (and /readyz). A files directory set apart (a shared mount) is
        # never made here: if it is missing, /readyz says so rather than files going to a local disk.
        settings.files_dir.mkdir(parents=True, exist_ok=True)
    app.extensions["polka.files"] = FileStore(settings.files_dir)
    app.extensions["polka.passwords"] = PasswordHashing(settings.argon2_time_cost, settings.argon2_memory_kib)
    app.extensions["polka.jobs"] = JobRunner(
        app.extensions["polka.sessions"], {MAIL_JOB: mail_handler(settings)}
    )
    app.extensions["polka.turns"] = Turns(
        app.extensions["polka.sessions"], _housekeeping_lock(settings, engine)
    )
    _configure_search(app, settings)
    _configure_features(app, settings)
    _configure_deletion(app)
    _configure_drafts(app)
    _configure_search_log(app)
    _configure_insights(app)
    _configure_notifications(app)

    configure_logging(settings.log_format)
    init_request_logging(app)  # before the network check: a refused request is timed and logged too
    init_metrics(app)
    init_security(app, settings)  # first: a refused network's request body is never even read
    csrf = CSRFProtect(app)  # reads a form (an upload's files) before any database work holds a lock
    # One-click unsubscribe (RFC 8058) is a POST from a mail client: the signed token is its authority.
    csrf.exempt("polka.notifications.views.unsubscribe_page")
    init_login(app)  # flask-login: the signed-in user, read from the server-side session
    app.before_request(load_user)
    app.before_request(keep_signed_out_post)
    app.before_request(require_signed_in)
    app.before_request(restore_kept_values)
    app.teardown_appcontext(close_db)
    init_templating(app, settings.cache_dir / "templates")
    init_assets(app)
    init_compression(app, enabled=settings.compress_responses)
    app.jinja_env.globals.update(
        can=_can, Action=Action, SITE=SITE, Marking=Marking, current_user=current_user
    )
    app.jinja_env.globals["offers"] = _offers
    _register_content()
    _register_blueprints(app)
    app.jinja_env.globals["session_timeout"] = session_timeout
    app.jinja_env.globals["waiting_total"] = waiting_total
    register_error_pages(app)
    _register_cli(app)


def _configure_search(app: Flask, settings: Settings) -> None:
    """The search index and its outbox applier, woken after every commit that queued a change: a
    Whoosh index in the data directory, applied by one process of this machine at a time, or the
    database's own tables, applied by one process of any node at a time."""
    sessions: sessionmaker[Session] = app.extensions["polka.sessions"]
    backend: SearchBackend
    lock: Lock
    if settings.search_backend == "postgresql":
        engine: Engine = app.extensions["polka.engine"]
        backend, lock = PostgresBackend(engine), AdvisoryLock(engine, "polka.search.outbox")
    else:
        backend = WhooshBackend(settings.search_dir / "index")
        lock = FileLock(settings.search_dir / "outbox.lock")
    applier = OutboxApplier(sessions, backend, lock, inline=settings.search_inline)
    app.extensions["polka.search"] = applier
    app.extensions["polka.jobs"].idle_tasks.append(applier.drain_quietly)
    app.extensions["polka.jobs"].idle_tasks.append(applier.rebuild_if_outdated)

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


def _configure_features(app: Flask, settings: Settings) -> None:
    """Every feature's background jobs and housekeeping (``polka.features``), and the file store's own:
    temporary files left by crashed uploads, and stored files no feature's rows refer to any more."""
    runner: JobRunner = app.extensions["polka.jobs"]
    store: FileStore = app.extensions["polka.files"]
    sessions: sessionmaker[Session] = app.extensions["polka.sessions"]
    app.jinja_env.globals["community_links"] = lambda community: community_links(current_user(), community)
    app.jinja_env.globals["person_links"] = person_links
    app.jinja_env.globals["community_glimpses"] = lambda community, link: glimpses(
        db(), current_user(), community, link
    )
    for feature in FEATURES:
        for job in feature.jobs:
            runner.register(job.kind, job.build(settings, store))
        for task in feature.housekeeping:
            _housekeeping(app, task.name, task.interval, _in_transaction(sessions, task.run))

    def referenced() -> set[str]:
        with sessions() as session:
            return referenced_files(session)

    _housekeeping(
        app, "sweep temporary files", timedelta(hours=1), lambda: store.sweep_temp_files(timedelta(hours=6))
    )
    _housekeeping(
        app,
        "remove unreferenced files",
        timedelta(hours=24),
        lambda: store.collect_garbage(referenced, older_than=timedelta(days=1)),
    )


def _housekeeping(app: Flask, name: str, interval: timedelta, task: Callable[[], object]) -> None:
    """Have the worker's idle loop run ``task`` once per ``interval``, by one worker at a time however
    many run (``polka.jobs.turns``)."""
    turns: Turns = app.extensions["polka.turns"]
    app.extensions["polka.jobs"].idle_tasks.append(Periodic(name, interval, task, turn=turns.turn))


def _housekeeping_lock(settings: Settings, engine: Engine) -> Callable[[str], Lock]:
    """The lock each housekeeping task is done under: the database's on PostgreSQL (every node shares
    it), a lock file in the data directory on SQLite (one machine)."""
    if engine.dialect.name == "postgresql":
        return lambda name: AdvisoryLock(engine, f"polka.housekeeping:{name}")
    folder = settings.data_dir / "locks"
    return lambda name: FileLock(folder / ("".join(c if c.isalnum() else "-" for c in name) + ".lock"))


def _in_transaction(sessions: sessionmaker[Session], run: Callable[[Session], object]) -> Callable[[], None]:
    """``run`` in a session and transaction of its own (for the worker's housekeeping)."""

    def task() -> None:
        with sessions() as session, transaction(session):
            run(session)

    return task


def _configure_deletion(app: Flask) -> None:
    """The worker's daily purge: every feature's deleted items past the restore window are removed for
    good (``polka.content.deletion``; each feature registers its purger in ``_register_content``)."""
    from polka.content.deletion import purge_expired

    _daily(app, "remove deleted items past the restore window", purge_expired)


def _configure_drafts(app: Flask) -> None:
    """The worker's housekeeping: drafts nobody came back to (``polka.drafts``) expire."""
    from polka.drafts.services import purge_expired

    _daily(app, "remove expired drafts", purge_expired)


def _configure_search_log(app: Flask) -> None:
    """The worker's housekeeping: searches are kept 13 months (``polka.site_search.log``)."""
    from polka.site_search.log import forget_old

    _daily(app, "forget searches older than 13 months", forget_old)


def _configure_insights(app: Flask) -> None:
    """The worker's housekeeping: each night, this month's words are counted again for the community
    insights (``polka.insights.rebuild``)."""
    from polka.insights.rebuild import refresh

    _daily(app, "count this month's words for the community insights", refresh)


def _configure_notifications(app: Flask) -> None:
    """Fanning notices out and sending notification email in the worker; each minute, the digests due."""
    from polka.notifications.announce import EMAIL_JOB, FAN_OUT_JOB
    from polka.notifications.delivery import email_handler, in_app, queue_due_digests
    from polka.notifications.fanout import fan_out
    from polka.notifications.inbox import forget_old

    runner: JobRunner = app.extensions["polka.jobs"]
    sessions: sessionmaker[Session] = app.extensions["polka.sessions"]
    runner.register(FAN_OUT_JOB, in_app(app, fan_out))
    runner.register(EMAIL_JOB, in_app(app, email_handler(app)))
    _housekeeping(
        app,
        "queue the notification digests that are due",
        timedelta(minutes=1),
        _in_transaction(sessions, queue_due_digests),
    )
    _daily(app, "forget notifications read long ago", forget_old)


def _daily(app: Flask, name: str, work: Callable[[Session], object]) -> None:
    """Housekeeping the worker runs once a day, in a transaction of its own."""
    sessions: sessionmaker[Session] = app.extensions["polka.sessions"]
    _housekeeping(app, name, timedelta(hours=24), _in_transaction(sessions, work))


def _register_content() -> None:
    """Tell core rules about each feature's content (``polka.features``; features never import each other
    or register themselves on import)."""
    from polka.communities.content import register_above_ceiling_counter
    from polka.communities.kinds import COMMUNITY
    from polka.communities.search import CommunitySearch
    from polka.communities.waiting import JOIN_REQUESTS, join_requests_waiting
    from polka.content.deletion import register_purger
    from polka.content.filing import register_filer
    from polka.content.kinds import register_kind as register_content_kind
    from polka.content.pages import register_page_writer
    from polka.content.waiting import register_waiting
    from polka.drafts.services import register_draft_kind
    from polka.moderation.registry import register_moderated
    from polka.moderation.waiting import REPORTS, reports_waiting
    from polka.people.search import PERSON, PeopleSearch
    from polka.search.registry import register_adapter

    register_content_kind(COMMUNITY)
    register_content_kind(PERSON)
    register_adapter(CommunitySearch())
    register_adapter(PeopleSearch())
    register_waiting(JOIN_REQUESTS, join_requests_waiting)
    register_waiting(REPORTS, reports_waiting)
    for feature in FEATURES:
        for kind in feature.kinds:
            register_content_kind(kind)
        for counter in feature.ceiling_counters:
            register_above_ceiling_counter(counter.label, counter.count)
        for adapter in feature.search:
            register_adapter(adapter)
        for draft_kind in feature.drafts:
            register_draft_kind(draft_kind)
        for queue in feature.waiting:
            register_waiting(queue.name, queue.provider)
        if feature.filer is not None:
            register_filer(feature.filer)
        if feature.page_writer is not None:
            register_page_writer(feature.page_writer)
        for purge in feature.purges:
            register_purger(purge.kind, purge.run)
        for moderated_kind in feature.moderated:
            register_moderated(moderated_kind)


def core_routes() -> tuple[Routes, ...]:
    """The blueprints that are not features', each with the modules that add its routes (this is the
    one place that imports them)."""
    from polka import help, home
    from polka.accounts import account_views, password_views, signup_views, timeout_views
    from polka.accounts import views as accounts
    from polka.accounts.blueprint import bp as accounts_bp
    from polka.admin import accounts as admin_accounts
    from polka.admin import audit, organisations, searches, synonyms
    from polka.admin import communities as admin_communities
    from polka.admin import views as admin
    from polka.admin.blueprint import bp as admin_bp
    from polka.communities import membership_views
    from polka.communities import views as communities
    from polka.communities.blueprint import bp as communities_bp
    from polka.crossrefs import views as crossrefs
    from polka.drafts import views as drafts
    from polka.feeds import views as feeds
    from polka.insights import views as insights
    from polka.moderation import views as moderation
    from polka.notifications import views as notifications
    from polka.operations import views as operations
    from polka.people import views as people
    from polka.site_search import views as site_search
    from polka.subscriptions import views as subscriptions

    return (
        Routes(home.bp, (home,)),
        Routes(accounts_bp, (accounts, account_views, password_views, signup_views, timeout_views)),
        Routes(people.bp, (people,)),
        Routes(communities_bp, (communities, membership_views)),
        Routes(site_search.bp, (site_search,)),
        Routes(crossrefs.bp, (crossrefs,)),
        Routes(
            admin_bp, (admin, admin_accounts, audit, admin_communities, organisations, searches, synonyms)
        ),
        Routes(drafts.bp, (drafts,)),
        Routes(help.bp, (help,)),
        Routes(feeds.bp, (feeds,)),
        Routes(subscriptions.bp, (subscriptions,)),
        Routes(moderation.bp, (moderation,)),
        Routes(notifications.bp, (notifications,)),
        Routes(operations.bp, (operations,)),
        Routes(insights.bp, (insights,)),
    )


def _register_blueprints(app: Flask) -> None:
    for routes in (*core_routes(), *(feature.routes for feature in FEATURES)):
        app.register_blueprint(routes.blueprint)


def _register_cli(app: Flask) -> None:
    from polka.cli import register

    register(app)
