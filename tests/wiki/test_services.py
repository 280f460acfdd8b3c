"""The wiki's rules at the service level: creating, saving, conflicts and merges, numbering,
permissions per role, protection, markings and pending revisions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.activity.models import Activity
from polka.activity.stream import Scope, read_stream
from polka.audit.models import AuditEntry
from polka.communities.models import Visibility
from polka.db import transaction
from polka.errors import Conflict, Forbidden, NotFound, ValidationError
from polka.markings import Marking
from polka.wiki import access, pages, reads, review, services
from polka.wiki.models import RevisionStatus, WikiLink, WikiPage
from polka.wiki.services import Edit, EditConflict
from polka.wiki.slugs import slug_for

BODY = "# Title\n\n## Checks\n\nFirst line.\n\nSecond paragraph.\n\n## Contacts\n\nCall the desk.\n"


def save(session, user, page, body, base, **kwargs):
    with transaction(session):
        return services.save_edit(
            session, session.merge(user), session.merge(page), Edit(body=body, base_number=base, **kwargs)
        )


# Creating ----------------------------------------------------------------------------------------


def test_a_new_page_gets_revision_one_and_a_slug_from_its_title(world, wiki):
    page = wiki.fresh(world.page)
    assert (page.slug, page.head_number) == ("pnc-manual", 1)
    assert [r.number for r in wiki.revisions(page)] == [1]


def test_a_second_page_with_the_same_title_is_refused(session, world, wiki):
    with pytest.raises(ValidationError) as error:
        wiki.page(world.community, "PNC  Manual", author=world.member)
    assert "already a page called" in error.value.field_errors["title"]


def test_readers_cannot_create_pages(session, world):
    with pytest.raises(Forbidden), transaction(session):
        services.create_page(
            session, session.merge(world.reader), session.merge(world.community), title="Mine", edit=Edit("x")
        )


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("PNC manual", "pnc-manual"),
        ("New", "new-page"),
        ("Changes", "changes-page"),
        ("Café rota", "cafe-rota"),
    ],
)
def test_titles_map_to_slugs_and_never_to_the_wikis_own_addresses(title, slug):
    assert slug_for(title) == slug


def test_titles_without_latin_letters_still_get_distinct_slugs():
    assert slug_for("شرطة") != slug_for("警察")
    assert slug_for("警察").startswith("page-")


def test_a_page_above_the_communitys_ceiling_is_refused(make, wiki):
    community = make.community("Official only", ceiling=Marking.OFFICIAL)
    with pytest.raises(ValidationError) as error:
        wiki.page(community, "Secret stuff", marking=Marking.OFFICIAL_SENSITIVE)
    assert "marking" in error.value.field_errors


def test_a_page_nested_too_deeply_to_render_is_refused_with_a_clear_message(world, wiki):
    deep = "".join("  " * i + "- item\n" for i in range(200))
    with pytest.raises(ValidationError) as error:
        wiki.page(world.community, "Deep", deep)
    assert "nested too deeply" in error.value.field_errors["body"]


# Saving, conflicts and merging ------------------------------------------------------------------------


def test_an_edit_from_the_current_revision_becomes_the_next_revision(session, world, wiki):
    saved = save(session, world.member, world.page, BODY, base=1, summary="Tidy")
    assert (saved.revision.number, saved.merged, saved.pending) == (2, False, False)
    page = wiki.fresh(world.page)
    assert page.head_number == 2
    assert services.current_revision(session, page).body == BODY


def test_line_endings_are_normalised_so_a_windows_browser_does_not_change_every_line(session, world, wiki):
    save(session, world.member, world.page, "one\r\ntwo", base=1)
    assert services.current_revision(session, wiki.fresh(world.page)).body == "one\ntwo\n"


def test_saving_without_changing_anything_is_refused(session, world, wiki):
    body = services.current_revision(session, wiki.fresh(world.page)).body
    with pytest.raises(ValidationError, match="not changed anything"):
        save(session, world.member, world.page, body, base=1)


def test_a_save_from_an_old_revision_touching_the_same_lines_is_a_conflict_and_saves_nothing(
    session, world, wiki
):
    save(session, world.moderator, world.page, BODY, base=1)
    mine = BODY.replace("First line.", "My first line.")
    save(session, world.member, world.page, mine, base=2)
    theirs = BODY.replace("First line.", "Their first line.")
    with pytest.raises(EditConflict) as error:
        save(session, world.manager, world.page, theirs, base=2)
    assert error.value.edit.body == theirs  # the saver's text comes back with the conflict
    assert error.value.current.number == 3
    assert wiki.fresh(world.page).head_number == 3
    assert len(wiki.revisions(world.page)) == 3


def test_edits_to_different_sections_are_merged_and_both_kept(session, world, wiki):
    save(session, world.moderator, world.page, BODY, base=1)
    save(session, world.member, world.page, BODY.replace("First line.", "First line, checked."), base=2)
    saved = save(session, world.manager, world.page, BODY.replace("Call the desk.", "Call the hub."), base=2)
    assert saved.merged
    text = services.current_revision(session, wiki.fresh(world.page)).body
    assert "First line, checked." in text
    assert "Call the hub." in text


def test_revision_numbers_stay_gap_free_through_conflicts(session, world, wiki):
    for n in range(2, 6):
        save(session, world.member, world.page, f"Version {n}\n", base=n - 1)
        with pytest.raises(EditConflict):
            save(session, world.moderator, world.page, f"Other {n}\n", base=n - 1)
    assert [r.number for r in wiki.revisions(world.page)] == [1, 2, 3, 4, 5]


def test_a_base_revision_from_the_future_is_a_conflict(session, world):
    with pytest.raises(EditConflict):
        save(session, world.member, world.page, "x\n", base=7)


# Who may do what ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"), [("reader", False), ("member", True), ("moderator", True), ("manager", True)]
)
def test_who_may_edit_an_unprotected_page(session, world, who, allowed):
    user = getattr(world, who)
    if allowed:
        assert save(session, user, world.page, f"{who} was here\n", base=1).revision.number == 2
    else:
        with pytest.raises(Forbidden):
            save(session, user, world.page, f"{who} was here\n", base=1)


@pytest.mark.parametrize(("who", "allowed"), [("member", False), ("moderator", True), ("manager", True)])
def test_only_moderators_and_managers_edit_a_protected_page(session, world, wiki, who, allowed):
    with transaction(session):
        pages.set_protected(session, session.merge(world.moderator), session.merge(world.page), True)
    user = getattr(world, who)
    if allowed:
        save(session, user, world.page, "Protected text\n", base=1)
    else:
        with pytest.raises(Forbidden, match="protected"):
            save(session, user, world.page, "Protected text\n", base=1)


def test_members_cannot_protect_pages(session, world):
    with pytest.raises(Forbidden), transaction(session):
        pages.set_protected(session, session.merge(world.member), session.merge(world.page), True)


def test_an_outsider_of_a_private_community_cannot_reach_its_pages(session, make, wiki):
    community = make.community("Hidden", visibility=Visibility.PRIVATE)
    page = wiki.page(community, "Hidden page")
    outsider = make.user("Outsider")
    with pytest.raises(NotFound):
        access.get_page(session, session.merge(outsider), session.merge(community), page.slug)


def test_a_sensitive_page_in_an_open_community_is_hidden_from_non_members(session, make, world, wiki):
    page = wiki.page(world.community, "Operation notes", marking=Marking.OFFICIAL_SENSITIVE)
    outsider = make.user("Not A Member")
    with pytest.raises(NotFound):
        access.get_page(session, session.merge(outsider), session.merge(world.community), page.slug)
    assert access.get_page(session, session.merge(world.reader), session.merge(world.community), page.slug)


# Markings ------------------------------------------------------------------------------------------------


def test_members_may_raise_a_marking_but_only_moderators_lower_it(session, world, wiki):
    save(session, world.member, world.page, "Now sensitive\n", base=1, marking=Marking.OFFICIAL_SENSITIVE)
    with pytest.raises(ValidationError) as error:
        save(session, world.member, world.page, "Back to official\n", base=2, marking=Marking.OFFICIAL)
    assert "lower" in error.value.field_errors["marking"]
    save(session, world.moderator, world.page, "Back to official\n", base=2, marking=Marking.OFFICIAL)
    changes = session.scalars(select(AuditEntry).where(AuditEntry.action == "wiki.marking_changed")).all()
    assert len(changes) == 2


def test_a_marking_changed_by_someone_else_meanwhile_is_not_undone_by_a_merge(session, world, wiki):
    save(session, world.moderator, world.page, BODY, base=1)
    save(
        session,
        world.member,
        world.page,
        BODY.replace("Call the desk.", "Call x."),
        base=2,
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    save(
        session, world.manager, world.page, BODY.replace("First line.", "First!"), base=2,
        marking=Marking.OFFICIAL, base_marking=Marking.OFFICIAL,
    )  # fmt: skip
    assert wiki.fresh(world.page).marking is Marking.OFFICIAL_SENSITIVE


def test_re_marking_a_page_hides_its_activity_from_those_who_may_not_see_it_now(app, session, make, world):
    def titles(user):
        with app.test_request_context():
            stream = read_stream(session, session.merge(user), scope=Scope.ALL)
        return [entry.target.title for entry in stream.entries]

    outsider = make.user("Outsider")
    assert "PNC manual" in titles(outsider)
    save(session, world.member, world.page, "Sensitive now\n", base=1, marking=Marking.OFFICIAL_SENSITIVE)
    session.rollback()
    assert "PNC manual" not in titles(outsider)
    assert "PNC manual" in titles(world.reader)


# Review before publishing ------------------------------------------------------------------------------


def test_with_review_on_a_members_edit_waits_and_readers_still_see_the_approved_text(session, world, wiki):
    wiki.require_review(world.community, world.manager)
    saved = save(session, world.member, world.page, "Pending text\n", base=1)
    assert saved.pending
    assert saved.revision.number is None
    page = wiki.fresh(world.page)
    assert page.head_number == 1
    _, mine = reads.current_and_mine(session, session.merge(world.member), page)
    assert mine.body == "Pending text\n"


def test_with_review_on_moderators_publish_directly(session, world, wiki):
    wiki.require_review(world.community, world.manager)
    assert not save(session, world.moderator, world.page, "Direct\n", base=1).pending


def test_approving_a_pending_edit_publishes_it_as_the_next_revision(session, world, wiki):
    wiki.require_review(world.community, world.manager)
    pending = save(session, world.member, world.page, "Pending text\n", base=1).revision
    with transaction(session):
        review.approve(session, session.merge(world.moderator), session.merge(pending), "Thanks")
    page = wiki.fresh(world.page)
    current = services.current_revision(session, page)
    assert (page.head_number, current.body, current.author_id) == (2, "Pending text\n", world.member.id)


def test_rejecting_needs_a_comment_and_leaves_the_page_alone(session, world, wiki):
    wiki.require_review(world.community, world.manager)
    pending = save(session, world.member, world.page, "Pending text\n", base=1).revision
    with pytest.raises(ValidationError), transaction(session):
        review.reject(session, session.merge(world.moderator), session.merge(pending), "  ")
    with transaction(session):
        review.reject(session, session.merge(world.moderator), session.merge(pending), "Cite a source")
    assert wiki.fresh(world.page).head_number == 1
    rejected = [r for r in wiki.revisions(world.page) if r.status is RevisionStatus.REJECTED]
    assert rejected[0].review_comment == "Cite a source"


def test_a_members_new_page_under_review_is_visible_only_to_its_author_and_moderators(session, world, wiki):
    wiki.require_review(world.community, world.manager)
    page = wiki.page(world.community, "Waiting page", author=world.member)
    community = session.merge(world.community)
    assert access.get_page(session, session.merge(world.member), community, page.slug)
    assert access.get_page(session, session.merge(world.moderator), community, page.slug)
    with pytest.raises(NotFound):
        access.get_page(session, session.merge(world.reader), community, page.slug)
    assert "Waiting page" not in [
        n.title for n in reads.page_tree(session, session.merge(world.reader), community)
    ]


def test_a_second_pending_edit_replaces_the_authors_first(session, world, wiki):
    wiki.require_review(world.community, world.manager)
    save(session, world.member, world.page, "First try\n", base=1)
    save(session, world.member, world.page, "Second try\n", base=1)
    statuses = [r.status for r in wiki.revisions(world.page)]
    assert statuses == [RevisionStatus.APPROVED, RevisionStatus.WITHDRAWN, RevisionStatus.PENDING]


def test_approving_an_edit_that_overlaps_a_later_change_is_refused(session, world, wiki):
    wiki.require_review(world.community, world.manager)
    pending = save(session, world.member, world.page, "Member text\n", base=1).revision
    save(session, world.moderator, world.page, "Moderator text\n", base=1)
    with pytest.raises(Conflict), transaction(session):
        review.approve(session, session.merge(world.moderator), session.merge(pending))


# Reverting, links, activity -------------------------------------------------------------------------------


def test_reverting_brings_back_old_text_as_a_new_audited_revision(session, world, wiki):
    save(session, world.member, world.page, "Vandalised\n", base=1)
    with transaction(session):
        saved = services.revert_page(
            session, session.merge(world.moderator), session.merge(world.page), 1, seen_head=2
        )
    assert (saved.revision.number, saved.revision.reverted_to) == (3, 1)
    assert "Intro." in saved.revision.body
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "wiki.page_reverted")).all()


def test_reverting_a_page_that_changed_since_it_was_looked_at_is_refused(session, world):
    save(session, world.member, world.page, "Newer\n", base=1)
    with pytest.raises(Conflict), transaction(session):
        services.revert_page(
            session, session.merge(world.moderator), session.merge(world.page), 1, seen_head=1
        )


def test_the_link_table_follows_the_current_revision(session, world, wiki):
    save(session, world.member, world.page, "See [[Checks list]] and [[Rota|the rota]].\n", base=1)
    session.rollback()
    links = session.scalars(select(WikiLink.target_slug).where(WikiLink.page_id == world.page.id)).all()
    assert sorted(links) == ["checks-list", "rota"]


def test_every_write_records_an_activity(session, world, wiki):
    save(session, world.member, world.page, "Edited\n", base=1)
    with transaction(session):
        services.revert_page(
            session, session.merge(world.moderator), session.merge(world.page), 1, seen_head=2
        )
    with transaction(session):
        pages.move_page(
            session, session.merge(world.moderator), session.merge(world.page), title="PNC guide", parent=None
        )
    with transaction(session):
        pages.delete_page(session, session.merge(world.moderator), session.merge(world.page))
    session.rollback()
    verbs = session.scalars(
        select(Activity.verb).where(Activity.target_kind == "wiki.page").order_by(Activity.id)
    ).all()
    assert verbs == ["created", "edited", "reverted", "moved", "deleted"]


def test_moving_under_its_own_subpage_is_refused(session, world, wiki):
    child = wiki.page(world.community, "Child", parent=world.page)
    with pytest.raises(ValidationError, match="under itself"), transaction(session):
        pages.move_page(
            session,
            session.merge(world.moderator),
            session.merge(world.page),
            title="PNC manual",
            parent=session.merge(child),
        )


def test_deleted_pages_free_their_title_and_restore_under_a_new_one_if_taken(session, world, wiki):
    with transaction(session):
        pages.delete_page(session, session.merge(world.moderator), session.merge(world.page))
    wiki.page(world.community, "PNC manual", "A new one\n", author=world.member)
    with transaction(session):
        page = pages.get_deleted_page(
            session, session.merge(world.manager), session.merge(world.community), world.page.id
        )
        pages.restore_page(session, session.merge(world.manager), page)
    restored = wiki.fresh(world.page)
    assert (restored.title, restored.slug, restored.is_deleted) == (
        "PNC manual (restored)",
        "pnc-manual-restored",
        False,
    )


def test_members_cannot_delete_and_moderators_cannot_restore(session, world):
    with pytest.raises(Forbidden), transaction(session):
        pages.delete_page(session, session.merge(world.member), session.merge(world.page))
    with transaction(session):
        pages.delete_page(session, session.merge(world.moderator), session.merge(world.page))
    with pytest.raises(Forbidden), transaction(session):
        pages.get_deleted_page(
            session, session.merge(world.moderator), session.merge(world.community), world.page.id
        )


def test_the_member_role_is_not_enough_to_move_pages_when_edits_are_reviewed(session, world, wiki):
    wiki.require_review(world.community, world.manager)
    with pytest.raises(Forbidden), transaction(session):
        pages.move_page(
            session, session.merge(world.member), session.merge(world.page), title="Renamed", parent=None
        )


def test_a_community_ceiling_cannot_drop_below_its_wiki_pages(app, session, world, wiki):
    from polka.communities.services import update_settings

    wiki.page(world.community, "Operation notes", marking=Marking.OFFICIAL_SENSITIVE)
    community = session.merge(world.community)

    def lower() -> None:
        with transaction(session):
            update_settings(
                session, session.merge(world.manager), session.merge(community), name=community.name,
                summary="", description="", visibility=community.visibility,
                marking_ceiling=Marking.OFFICIAL, region=None, parent_id=None,
            )  # fmt: skip

    with pytest.raises(ValidationError) as error:
        lower()
    assert "1 wiki pages" in error.value.field_errors["marking_ceiling"]
    page = session.scalar(select(WikiPage).where(WikiPage.title == "Operation notes"))
    save(session, world.moderator, page, "Cleared\n", base=1, marking=Marking.OFFICIAL)
    lower()
    assert wiki.fresh(world.page).community.marking_ceiling is Marking.OFFICIAL


def test_restoring_never_takes_another_pages_old_address(session, world, wiki):
    doomed = wiki.page(world.community, "Rota")
    with transaction(session):
        pages.delete_page(session, session.merge(world.moderator), session.merge(doomed))
    other = wiki.page(world.community, "Rota")
    with transaction(session):
        pages.move_page(
            session, session.merge(world.moderator), session.merge(other), title="Duty rota", parent=None
        )
    with transaction(session):
        page = pages.get_deleted_page(
            session, session.merge(world.manager), session.merge(world.community), doomed.id
        )
        pages.restore_page(session, session.merge(world.manager), page)
    assert wiki.fresh(doomed).slug == "rota-restored"
    moved = access.find_redirect(session, session.merge(world.member), session.merge(world.community), "rota")
    assert moved.id == other.id


def test_a_page_too_long_to_render_quickly_is_refused_with_advice(world, wiki):
    with pytest.raises(ValidationError) as error:
        wiki.page(world.community, "Everything", "- item\n" * (services.MAX_LINES + 1))
    assert "Split it into pages" in error.value.field_errors["body"]
