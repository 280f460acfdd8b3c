"""Demo blog posts: the neighbourhood inspector's weekly update in Neighbourhood Policing (the last few
weeks with their comments, and next week's already scheduled), and a sergeant's own blog: his write-up
of a social media trial that worked, published into Neighbourhood Policing, his checklist for starting a
team account, open to everyone signed in (with a question from another force under it), and a draft
only he sees."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta

from PIL import Image, ImageDraw

from polka.blog import comments, covers, services
from polka.blog.models import BlogPost
from polka.blog.months import uk_month
from polka.content.feature import DemoWorld
from polka.db import utcnow
from polka.templating import LONDON

_WEEKLY = (
    (
        "Patrol priorities and the autumn ASB plan",
        "Bonfire night briefing, the new ASB hotspot map and thanks to the Mansfield team.",
        "## This week\n\n- **Bonfire night**: briefing on Thursday at 14:00; every team sends one person.\n"
        "- The ASB hotspot map is refreshed: see the [[Problem solving toolkit]].\n\n"
        "## Thanks\n\nThe Mansfield team closed the Ladybrook problem-solving plan after eight weeks.",
    ),
    (
        "Rural crime week and the farm watch relaunch",
        "What rural crime week achieved, and how to sign farms up to the relaunched farm watch.",
        "## Rural crime week\n\n37 farm visits, 12 quad bikes marked, two stolen trailers recovered.\n\n"
        "## Farm watch\n\nThe scheme is relaunched with a text alert. Sign farms up with the form on the "
        "force intranet; the rural crime team does the rest.",
    ),
    (
        "Ward panel season and the engagement survey",
        "Ward panels start next month; the engagement survey closes on Friday.",
        "## Ward panels\n\nPanels start next month. Book rooms through the neighbourhood office and send "
        "your dates to the coordinator.\n\n## The survey\n\n412 replies so far: the highest yet. It closes "
        "on Friday.",
    ),
    (
        "Winter visibility patrols",
        "Shorter days: where and when the winter visibility patrols go out.",
        "## Visibility patrols\n\nFrom next week the evening patrols start at 16:00. The hotspot map "
        "shows the streets; PCSOs pair with a special constable after dark.\n\n"
        "Questions to me or to Ahmed Hussain.",
    ),
)

_TRIAL = (
    "What worked: our neighbourhood Twitter trial",
    "Six months of a neighbourhood team account: what we posted, what people answered, and what we'd "
    "do again.",
    "We ran a neighbourhood team account for six months in two wards.\n\n"
    "## What worked\n\n- **Posting at the school run**: 08:30 and 15:15 posts got three times the "
    "replies.\n- **Photos of the team**, not of crime scenes.\n- **Answering within the hour** in "
    "office hours, and saying when we were off.\n\n"
    "## What did not\n\n- Appeals with no picture.\n- Posting at night.\n\n"
    "## Numbers\n\n| Month | Followers | Replies |\n|---|---|---|\n| 1 | 210 | 35 |\n| 3 | 890 | 160 |\n"
    "| 6 | 2,140 | 410 |\n\nThe team's guide to running an account is in the library.",
)


_CHECKLIST = (
    "Starting a team social media account: a checklist",
    "Before the first post: who answers, when, what never goes out, and how to hand over.",
    "Written for any team thinking of a neighbourhood account, whatever the force.\n\n"
    "## Before the first post\n\n1. **Who answers**: a rota of three, never one person.\n"
    "2. **When**: say your hours in the profile, and keep them.\n"
    "3. **What never goes out**: names, addresses, anything about a live investigation.\n"
    "4. **Hand-over**: the password in the force's vault, not in a notebook.\n\n"
    "## The first month\n\nPost at the school run, show the team's faces, answer within the hour. "
    "Our trial's numbers are in the Neighbourhood Policing blog.",
)


def _written(post: BlogPost, at: datetime) -> None:
    """Date a demo post as if it had been written and published at ``at``."""
    post.created_at = post.updated_at = post.published_at = at
    post.published_month = uk_month(at)


#: Who says what under the weekly updates: (person, comment, a reply by the inspector or "").
_COMMENTS = (
    ("neighbourhood_mod", "The PCSO rota for the evening patrols is in the library now.", "Thanks Ahmed."),
    (
        "neighbourhood2",
        "Can specials join the Thursday briefing remotely?",
        "Yes: the Teams link is in the invite.",
    ),
    ("neighbourhood3", "Sussex did the same last winter: happy to share our hotspot notes.", ""),
)


def _discuss(world: DemoWorld, post: BlogPost, published_at: datetime, weeks_ago: int) -> None:
    """A comment or two under a weekly update, with the inspector's reply."""
    session, people = world.session, world.people
    inspector = people["neighbourhood_lead"]
    who, said, answer = _COMMENTS[weeks_ago % len(_COMMENTS)]
    first = comments.add_comment(session, people[who], post, said)
    first.created_at = published_at + timedelta(hours=3)
    if answer:
        reply = comments.add_comment(session, inspector, post, answer, first.id)
        reply.created_at = first.created_at + timedelta(hours=1)


def _morning(at: datetime) -> datetime:
    """07:00 UK time on ``at``'s day, when the weekly update goes out."""
    day = at.astimezone(LONDON).date()
    return datetime.combine(day, time(7, 0), tzinfo=LONDON).astimezone(UTC)


def _cover(world: DemoWorld, post: BlogPost, alt: str) -> None:
    """A drawn cover picture (a phone with a post and its replies), kept as any cover is."""
    picture = Image.new("RGB", (1200, 630), (29, 112, 184))
    draw = ImageDraw.Draw(picture)
    draw.rounded_rectangle((450, 60, 750, 590), radius=36, fill=(11, 12, 12))
    draw.rectangle((470, 110, 730, 540), fill=(243, 242, 241))
    for n, width in enumerate((220, 160, 200, 140, 180)):
        top = 130 + n * 80
        draw.rounded_rectangle((485, top, 485 + width, top + 56), radius=10, fill=(255, 255, 255))
    data = io.BytesIO()
    picture.save(data, format="PNG")
    data.seek(0)
    cover = covers.prepare(data)
    post.cover_sha256, post.cover_type = covers.store(world.files, cover), cover.media_type
    post.cover_width, post.cover_height, post.cover_alt = cover.width, cover.height, alt


def _next_monday_morning(now: datetime) -> datetime:
    """07:00 UK time next Monday, when the weekly update goes out."""
    local = now.astimezone(LONDON)
    monday = local.date() + timedelta(days=7 - local.weekday())
    return datetime.combine(monday, time(7, 0), tzinfo=LONDON).astimezone(UTC)


def load_demo_blog(world: DemoWorld) -> None:
    """Write the demo posts (the caller commits)."""
    session, people = world.session, world.people
    neighbourhood = world.communities["neighbourhood"]
    inspector, sergeant = people["neighbourhood_lead"], people["digital1"]
    now = utcnow()
    for weeks_ago, (title, summary, body) in zip(range(len(_WEEKLY), 0, -1), _WEEKLY, strict=True):
        post = services.create_post(
            session,
            inspector,
            neighbourhood,
            services.PostFields(title=title, body=body, summary=summary, tags="weekly update, neighbourhood"),
        )
        services.publish(session, inspector, post)
        published_at = _morning(now - timedelta(weeks=weeks_ago))
        _written(post, published_at)
        _discuss(world, post, published_at, weeks_ago)
    coming = services.create_post(
        session,
        inspector,
        neighbourhood,
        services.PostFields(
            title="Christmas markets and the night-time economy",
            summary="Patrol plans for the Christmas markets, and who is on call over the holidays.",
            body="## Christmas markets\n\nEvery market has a named sergeant. The rota is in the library.",
            tags="weekly update, neighbourhood",
        ),
    )
    services.schedule(session, inspector, coming, _next_monday_morning(now))
    title, summary, body = _TRIAL
    trial = services.create_post(  # the sergeant's own blog, published into Neighbourhood Policing
        session,
        sergeant,
        neighbourhood,
        services.PostFields(
            title=title, body=body, summary=summary, tags="social media, twitter, engagement"
        ),
        personal=True,
    )
    services.publish(session, sergeant, trial)
    _written(trial, _morning(now - timedelta(days=10)))
    _cover(world, trial, "A phone showing a neighbourhood team's post, with replies from residents")
    title, summary, body = _CHECKLIST
    checklist = services.create_post(  # the sergeant's own blog, open to everyone signed in
        session,
        sergeant,
        None,
        services.PostFields(title=title, body=body, summary=summary, tags="social media, engagement"),
        personal=True,
    )
    services.publish(session, sergeant, checklist)
    _written(checklist, _morning(now - timedelta(days=3)))
    asked = comments.add_comment(
        session, people["neighbourhood1"], checklist, "Did you need sign-off from corporate comms first?"
    )
    asked.created_at = _morning(now - timedelta(days=3)) + timedelta(hours=5)
    services.create_post(
        session,
        sergeant,
        neighbourhood,
        services.PostFields(
            title="Draft: what we'd change in year two",
            body="Notes for the second year of the account: a rota for answering, and video.",
        ),
        personal=True,
    )
    session.flush()
