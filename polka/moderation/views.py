"""Moderation pages: reporting an item, a community's review queue and moderation log (moderators),
and the reports a person made with what became of each.

The queue, its decisions and the log have two addresses: a community's (``/c/<slug>/moderation/…``),
and the site's (``/moderation/…``) for what is outside any community, which the site's administrators
moderate; each view takes whichever it is reached by."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from polka.accounts.web import current_user, signed_in
from polka.communities.models import Community
from polka.communities.web import community_for
from polka.content.kinds import resolve
from polka.content.waiting import OUTSIDE
from polka.db import transaction
from polka.errors import Conflict, NotFound, ValidationError
from polka.forms import show_errors
from polka.http import db
from polka.moderation import rules, screening, services
from polka.moderation.forms import (
    ApprovalForm,
    DecisionForm,
    NewMemberPostsForm,
    ReportForm,
    SilenceForm,
    WordForm,
)
from polka.moderation.models import Outcome, ReportReason, WordAction
from polka.moderation.registry import moderated
from polka.moderation.rules import find_member
from polka.permissions import SITE, Action, can, require

bp = Blueprint("moderation", __name__)


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def _report_screen(kind: str, target_id: int, form: ReportForm, status: int = 200) -> Any:
    shown = resolve(db(), current_user(), kind, target_id) if moderated(kind) else None
    if shown is None:
        raise NotFound()
    return render_template(
        "moderation/report.html",
        shown=shown,
        kind=kind,
        target_id=target_id,
        form=form,
        section="communities",
        page_title=f"Report a post – {shown.title}",
    ), status


@bp.route("/report/<kind>/<int:target_id>", methods=["GET", "POST"])
def report(kind: str, target_id: int) -> Any:
    user = signed_in()
    if request.method == "GET":
        return _report_screen(kind, target_id, ReportForm())
    form = ReportForm()
    if not form.validate():
        return _report_screen(kind, target_id, form, 400)
    session = db()
    try:
        with transaction(session):
            filed = services.report(
                session, user, kind, target_id, ReportReason(form.reason.data), form.text.data or ""
            )
    except ValidationError as error:
        show_errors(form, error)
        return _report_screen(kind, target_id, form, 400)
    except Conflict as error:
        flash(str(error), "success")
        return redirect(url_for("moderation.mine"))
    shown = resolve(session, user, kind, target_id)
    flash(
        "Thank you. The moderators will look at it; your reports page will say what they decided.", "success"
    )
    return redirect(
        shown.url if shown is not None else url_for("moderation.mine", _anchor=f"report-{filed.id}")
    )


def _moderated(slug: str | None) -> Community | None:
    """The community whose moderation a page is (None: the site's, for what is outside any), for one of
    its moderators: the policy's refusal otherwise."""
    if slug is not None:
        return community_for(slug, Action.MODERATE)
    require(signed_in(), Action.MODERATE, SITE)
    return None


def _here(community: Community | None) -> dict[str, Any]:
    """The address arguments of a moderation page of ``community`` (None: the site's)."""
    return {"slug": community.slug} if community is not None else {}


def _queue_screen(
    community: Community | None,
    form: DecisionForm | None = None,
    approval: ApprovalForm | None = None,
    status: int = 200,
) -> Any:
    session, user = db(), signed_in()
    return render_template(
        "moderation/queue.html",
        community=community,
        here=_here(community),
        place_name=community.name if community is not None else OUTSIDE,
        reported=services.queue(session, user, community),
        waiting=services.waiting(session, user, community),
        form=form,
        approval=approval,
        section="communities" if community is not None else "admin",
        page_title=f"Moderation – {community.name if community is not None else OUTSIDE}",
    ), status


@bp.get("/c/<slug>/moderation/")
@bp.get("/moderation/")
def queue(slug: str | None = None) -> Any:
    if slug is not None:
        return _queue_screen(community_for(slug))  # the services say whether they moderate it
    return _queue_screen(_moderated(None))


@bp.post("/c/<slug>/moderation/decide")
@bp.post("/moderation/decide")
def decide(slug: str | None = None) -> Any:
    community = _moderated(slug)
    session, user = db(), signed_in()
    form = DecisionForm()
    if not form.validate():
        return _queue_screen(community, form, status=400)
    outcome = Outcome(form.outcome.data)
    try:
        with transaction(session):
            closed = services.decide(
                session,
                user,
                community,
                form.kind.data or "",
                form.target.data or 0,
                outcome,
                form.reason.data or "",
            )
    except ValidationError as error:
        show_errors(form, error)
        return _queue_screen(community, form, status=400)
    except Conflict as error:
        flash(str(error), "success")
        return redirect(url_for("moderation.queue", **_here(community)))
    done = "kept" if outcome is Outcome.KEPT else "hidden"
    flash(f"The post has been {done}; {closed} {'report' if closed == 1 else 'reports'} closed.", "success")
    return redirect(url_for("moderation.queue", **_here(community)))


@bp.post("/c/<slug>/moderation/approve")
@bp.post("/moderation/approve")
def approve(slug: str | None = None) -> Any:
    community = _moderated(slug)
    session, user = db(), signed_in()
    form = ApprovalForm()
    if not form.validate():
        return _queue_screen(community, approval=form, status=400)
    approved = form.outcome.data == "approve"
    try:
        with transaction(session):
            services.approve(
                session,
                user,
                community,
                form.kind.data or "",
                form.target.data or 0,
                approved=approved,
                reason=form.reason.data or "",
            )
    except ValidationError as error:
        show_errors(form, error)
        return _queue_screen(community, approval=form, status=400)
    except Conflict as error:
        flash(str(error), "success")
        return redirect(url_for("moderation.queue", **_here(community)))
    flash(
        "The post is published in its place." if approved else "The post is rejected; its author sees why.",
        "success",
    )
    return redirect(url_for("moderation.queue", **_here(community)))


@bp.get("/c/<slug>/moderation/log")
@bp.get("/moderation/log")
def log(slug: str | None = None) -> Any:
    community = _moderated(slug)
    name = community.name if community is not None else OUTSIDE
    return render_template(
        "moderation/log.html",
        community=community,
        here=_here(community),
        place_name=name,
        entries=services.moderation_log(db(), signed_in(), community, _page_number()),
        section="communities" if community is not None else "admin",
        page_title=f"Moderation log – {name}",
    )


@bp.get("/account/reports")
def mine() -> Any:
    return render_template(
        "moderation/mine.html",
        reports=services.my_reports(db(), signed_in(), _page_number()),
        section="account",
        page_title="Your reports",
    )


def _settings_screen(
    community: Community,
    word_form: WordForm | None = None,
    silence_form: SilenceForm | None = None,
    posts_form: NewMemberPostsForm | None = None,
    status: int = 200,
) -> Any:
    session, user = db(), signed_in()
    return render_template(
        "moderation/settings.html",
        community=community,
        words=rules.watched_words(session, community),
        site_words=rules.watched_words(session, None),
        silences=rules.silences(session, user, community),
        word_form=word_form or WordForm(),
        silence_form=silence_form or SilenceForm(),
        posts_form=posts_form
        or NewMemberPostsForm(data={"posts": screening.new_member_posts_held(session, community)}),
        may_manage=can(user, Action.MANAGE, community),
        section="communities",
        page_title=f"Moderation settings – {community.name}",
    ), status


@bp.get("/c/<slug>/moderation/settings")
def settings(slug: str) -> Any:
    return _settings_screen(community_for(slug, Action.MODERATE))


@bp.post("/c/<slug>/moderation/new-members")
def new_member_posts(slug: str) -> Any:
    community = community_for(slug, Action.MANAGE)
    session = db()
    form = NewMemberPostsForm()
    if not form.validate():
        return _settings_screen(community, posts_form=form, status=400)
    try:
        with transaction(session):
            rules.set_new_member_posts(session, signed_in(), community, form.posts.data or 0)
    except ValidationError as error:
        show_errors(form, error)
        return _settings_screen(community, posts_form=form, status=400)
    held = form.posts.data or 0
    flash(
        f"A new member's first {held} posts wait for a moderator."
        if held
        else "New members' posts go out at once.",
        "success",
    )
    return redirect(url_for("moderation.settings", slug=community.slug))


def _watch_word(
    community: Community | None, screen: Callable[[WordForm, int], Any], done: str, where: str
) -> Any:
    """Add the watched word sent (to ``community``'s list, or the site's for None); on a refusal, show
    ``screen`` again with the form as typed."""
    session = db()
    form = WordForm()
    if not form.validate():
        return screen(form, 400)
    try:
        with transaction(session):
            rules.add_word(
                session, signed_in(), community, form.word.data or "", WordAction(form.action.data)
            )
    except ValidationError as error:
        show_errors(form, error)
        return screen(form, 400)
    flash(f"“{form.word.data}” is watched{where} from now on.", "success")
    return redirect(done)


@bp.post("/c/<slug>/moderation/words")
def add_word(slug: str) -> Any:
    community = community_for(slug, Action.MODERATE)
    return _watch_word(
        community,
        lambda form, status: _settings_screen(community, word_form=form, status=status),
        url_for("moderation.settings", slug=community.slug),
        "",
    )


@bp.post("/c/<slug>/moderation/words/<int:word_id>/remove")
def remove_word(slug: str, word_id: int) -> Any:
    community = community_for(slug, Action.MODERATE)
    session = db()
    with transaction(session):
        rules.remove_word(session, signed_in(), community, word_id)
    flash("The word is no longer watched.", "success")
    return redirect(url_for("moderation.settings", slug=community.slug))


@bp.post("/c/<slug>/moderation/silences")
def silence(slug: str) -> Any:
    community = community_for(slug, Action.MODERATE)
    session = db()
    form = SilenceForm()
    if not form.validate():
        return _settings_screen(community, silence_form=form, status=400)
    member = find_member(session, community, form.email.data or "")
    try:
        if member is None:
            message = "No member of this community has that email address"
            raise ValidationError(message, {"email": message})
        with transaction(session):
            rules.silence(
                session, signed_in(), community, member, int(form.days.data or 0), form.reason.data or ""
            )
    except ValidationError as error:
        show_errors(form, error)
        return _settings_screen(community, silence_form=form, status=400)
    except Conflict as error:
        form.form_errors.append(str(error))
        return _settings_screen(community, silence_form=form, status=409)
    flash(f"{member.name} cannot post in this community for now.", "success")
    return redirect(url_for("moderation.settings", slug=community.slug))


@bp.post("/c/<slug>/moderation/silences/<int:silence_id>/lift")
def lift(slug: str, silence_id: int) -> Any:
    community = community_for(slug, Action.MODERATE)
    session = db()
    with transaction(session):
        rules.lift(session, signed_in(), community, silence_id)
    flash("They can post again.", "success")
    return redirect(url_for("moderation.settings", slug=community.slug))


def _site_words_screen(form: WordForm | None = None, status: int = 200) -> Any:
    require(signed_in(), Action.ADMINISTER, SITE)
    return render_template(
        "moderation/site_words.html",
        words=rules.watched_words(db(), None),
        word_form=form or WordForm(),
        section="admin",
        page_title="Watched words everywhere",
    ), status


@bp.route("/moderation/words", methods=["GET", "POST"])
def site_words() -> Any:
    if request.method == "GET":
        return _site_words_screen()
    return _watch_word(None, _site_words_screen, url_for("moderation.site_words"), " in every community")


@bp.post("/moderation/words/<int:word_id>/remove")
def remove_site_word(word_id: int) -> Any:
    session = db()
    with transaction(session):
        rules.remove_word(session, signed_in(), None, word_id)
    flash("The word is no longer watched.", "success")
    return redirect(url_for("moderation.site_words"))
