"""Writing a post through its pages: a draft, published now or scheduled, changed with its history
kept, unpublished, deleted; who may write as the managers choose; bad input refused with every word
kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from polka.blog.models import BlogPost, PostStatus
from polka.communities.models import Role
from polka.jobs.models import Job
from polka.markings import Marking
from tests.support import text

FORM = {
    "title": "Winter visibility patrols",
    "summary": "Where and when the evening patrols go out.",
    "body": "## Visibility patrols\n\n- From 16:00\n- PCSOs pair with a special after dark",
    "tags": "Weekly update, patrols",
    "marking": "OFFICIAL",
}


def _posts(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(BlogPost)) or 0


def test_a_member_publishes_a_post_and_readers_find_it(web, login, make, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community, make.user("Beverley Shaw"))
    login(writer)
    assert web.get(f"/c/{community.slug}/blog/new").status_code == 200
    response = web.post(f"/c/{community.slug}/blog/new", data={**FORM, "action": "publish"})
    assert response.status_code == 302, text(response)
    shown = text(web.get(response.headers["Location"]))
    assert "“Winter visibility patrols” is published." in shown
    assert "Visibility patrols" in shown
    assert "From 16:00" in shown
    assert "By Beverley Shaw" in shown
    assert "1 minute to read" in shown
    login(make.user("Reader from another force"))  # an open community: anyone signed in reads it
    index = text(web.get(f"/c/{community.slug}/blog/"))
    assert "Winter visibility patrols" in index
    assert "Where and when the evening patrols go out." in index
    tagged = text(web.get(f"/c/{community.slug}/blog/?tag=weekly+update"))
    assert "Winter visibility patrols" in tagged
    assert "Winter visibility patrols" not in text(web.get(f"/c/{community.slug}/blog/?tag=rural"))
    home = text(web.get(f"/c/{community.slug}/"))
    assert "Winter visibility patrols" in home
    assert "Beverley Shaw published Winter visibility patrols" in home


def test_a_draft_is_its_writers_until_published(web, login, make, blog):
    community = make.community("Neighbourhood Policing")
    writer, other = make.member(community), make.member(community)
    moderator = make.member(community, role=Role.MODERATOR)
    draft = blog.post(community, writer, "Notes for year two", publish=False)
    login(writer)
    index = text(web.get(f"/c/{community.slug}/blog/"))
    assert "Not published yet" in index
    assert "Notes for year two" in index
    assert "Draft" in text(web.get(f"/c/{community.slug}/blog/{draft.id}"))
    login(moderator)
    assert "Notes for year two" in text(web.get(f"/c/{community.slug}/blog/"))
    assert web.get(f"/c/{community.slug}/blog/{draft.id}").status_code == 200
    login(other)
    assert "Notes for year two" not in text(web.get(f"/c/{community.slug}/blog/"))
    for path in ("", "/edit", "/history", "/delete"):
        assert web.get(f"/c/{community.slug}/blog/{draft.id}{path}").status_code == 404, path
    assert web.post(f"/c/{community.slug}/blog/{draft.id}/publish").status_code == 404
    login(writer)
    assert web.post(f"/c/{community.slug}/blog/{draft.id}/publish").status_code == 302
    login(other)
    assert "Notes for year two" in text(web.get(f"/c/{community.slug}/blog/"))


def test_a_changed_post_keeps_its_earlier_version_in_its_history(web, login, make, blog):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community, make.user("Beverley Shaw"))
    post = blog.post(community, writer, "Ward panels", body="Panels start in **March**.")
    login(writer)
    form = web.get(f"/c/{community.slug}/blog/{post.id}/edit")
    assert "Panels start in **March**." in text(form)
    assert "Save changes" in text(form)
    assert "Schedule" not in text(form)
    response = web.post(
        f"/c/{community.slug}/blog/{post.id}/edit",
        data={**FORM, "title": "Ward panels", "body": "Panels start in **April**.", "action": "save"},
    )
    assert response.status_code == 302
    shown = web.get(f"/c/{community.slug}/blog/{post.id}").get_data(as_text=True)
    assert "Panels start in <strong>April</strong>." in shown
    login(make.user("Reader"))
    history = text(web.get(f"/c/{community.slug}/blog/{post.id}/history"))
    assert "changed 1 time since" in history
    assert "Panels start in **March**." in history


def test_only_its_writer_and_moderators_change_a_post(web, login, make, blog):
    community = make.community("Neighbourhood Policing")
    writer, other = make.member(community), make.member(community)
    moderator = make.member(community, role=Role.MODERATOR)
    post = blog.post(community, writer)
    edit = f"/c/{community.slug}/blog/{post.id}/edit"
    login(other)
    assert web.get(edit).status_code == 403
    assert "Unpublish" not in text(web.get(f"/c/{community.slug}/blog/{post.id}"))
    assert web.post(f"/c/{community.slug}/blog/{post.id}/unpublish").status_code == 403
    for person in (writer, moderator):
        login(person)
        assert web.get(edit).status_code == 200


def test_unpublishing_takes_a_post_back_to_its_writers(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer, reader = make.member(community), make.member(community)
    post = blog.post(community, writer, "Farm watch relaunch")
    login(writer)
    assert web.post(f"/c/{community.slug}/blog/{post.id}/unpublish").status_code == 302
    login(reader)
    assert "Farm watch relaunch" not in text(web.get(f"/c/{community.slug}/blog/"))
    assert web.get(f"/c/{community.slug}/blog/{post.id}").status_code == 404
    assert "Farm watch relaunch" not in text(web.get("/search?q=farm+watch"))
    assert "Farm watch relaunch" not in text(web.get(f"/c/{community.slug}/"))


def test_deleting_a_post_takes_it_out_of_everything(web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    post = blog.post(community, writer, "Christmas markets")
    login(writer)
    assert "Delete “Christmas markets”?" in text(web.get(f"/c/{community.slug}/blog/{post.id}/delete"))
    response = web.post(f"/c/{community.slug}/blog/{post.id}/delete")
    assert response.headers["Location"].endswith(f"/c/{community.slug}/blog/")
    assert "“Christmas markets” has been deleted" in text(web.get(response.headers["Location"]))
    assert "Christmas markets" not in text(web.get(f"/c/{community.slug}/blog/"))
    assert web.get(f"/c/{community.slug}/blog/{post.id}").status_code == 404
    assert "Christmas markets" not in text(web.get("/search?q=christmas"))


def test_scheduling_from_the_form_queues_the_post_for_its_time(web, login, make, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    login(writer)
    day = datetime.now(UTC).date() + timedelta(days=20)
    data = {**FORM, "publish_date": day.strftime("%d/%m/%Y"), "publish_time": "07:00", "action": "schedule"}
    response = web.post(f"/c/{community.slug}/blog/new", data=data)
    assert response.status_code == 302, text(response)
    shown = text(web.get(response.headers["Location"]))
    assert f"will be published at {day.day} {day:%B %Y}, 7:00am" in shown
    assert "Scheduled for" in shown
    session.rollback()
    post = session.scalars(select(BlogPost)).one()
    assert post.status is PostStatus.SCHEDULED
    job = session.scalars(select(Job).where(Job.kind == "blog.publish")).one()
    assert job.run_after == post.publish_at


def test_bad_input_is_refused_with_every_word_kept(web, login, make, session):
    community = make.community("Neighbourhood Policing")
    login(make.member(community))
    new = f"/c/{community.slug}/blog/new"
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).strftime("%d/%m/%Y")
    cases = [
        ({"body": "x" * 1_000_000}, "The post is too long: at most 100,000 characters"),
        ({"publish_date": yesterday, "publish_time": "09:00", "action": "schedule"}, "in the past"),
        ({"publish_date": "31/02/2027", "publish_time": "09:00", "action": "schedule"}, "not a real date"),
        ({"publish_date": "", "publish_time": "09:00", "action": "schedule"}, "Enter the date to publish"),
        ({"tags": "patrols, <script>"}, "A tag cannot hold “<”"),
        ({"tags": "patrols, 🚓 cars"}, "A tag cannot hold “🚓”"),
        ({"title": ""}, "Enter a title"),
        ({"body": "   "}, "Enter the text of the post"),
    ]
    for change, message in cases:
        data = {**FORM, "action": "publish", **change}
        response = web.post(new, data=data)
        shown = response.get_data(as_text=True)
        assert response.status_code == 400, (change, text(response)[:300])
        assert message in text(response), (change, text(response)[:500])
        if "body" not in change:
            assert "PCSOs pair with a special after dark" in shown, change
        assert "Where and when the evening patrols go out." in shown, change
    assert _posts(session) == 0


def test_a_post_is_marked_within_the_communitys_ceiling(web, login, make):
    official_only = make.community("Neighbourhood Policing")
    login(make.member(official_only))
    response = web.post(
        f"/c/{official_only.slug}/blog/new",
        data={**FORM, "marking": Marking.OFFICIAL_SENSITIVE.value, "action": "publish"},
    )
    assert response.status_code == 400
    assert "OFFICIAL-SENSITIVE" in text(response)


def test_managers_choose_who_writes(web, login, make, blog):
    community = make.community("Neighbourhood Policing")
    manager = make.member(community, role=Role.MANAGER)
    member = make.member(community)
    post = blog.post(community, member, "Before the change")
    login(manager)
    assert web.get(f"/c/{community.slug}/blog/settings").status_code == 200
    response = web.post(f"/c/{community.slug}/blog/settings", data={"writers": "moderators"})
    assert response.status_code == 302
    login(member)
    assert "Write a post" not in text(web.get(f"/c/{community.slug}/blog/"))
    refused = web.get(f"/c/{community.slug}/blog/new")
    assert refused.status_code == 403
    assert "only moderators and managers write blog posts" in text(refused)
    assert web.get(f"/c/{community.slug}/blog/{post.id}/edit").status_code == 403
    assert web.get(f"/c/{community.slug}/blog/settings").status_code == 403
    login(manager)
    assert web.get(f"/c/{community.slug}/blog/new").status_code == 200


def test_readers_of_a_community_read_but_do_not_write(web, login, make, blog):
    community = make.community("Neighbourhood Policing")
    reader = make.member(community, role=Role.READER)
    post = blog.post(community, make.member(community), "Rural crime week")
    login(reader)
    assert "Write a post" not in text(web.get(f"/c/{community.slug}/blog/"))
    assert web.get(f"/c/{community.slug}/blog/new").status_code == 403
    assert "Rural crime week" in text(web.get(f"/c/{community.slug}/blog/{post.id}"))
