"""Demo wiki content: a "Case study" template and a case study made from it, a manual with a
table of contents and history, an OFFICIAL-SENSITIVE page, and an edit waiting for review."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.feature import DemoWorld
from polka.markings import Marking
from polka.wiki import pages, services
from polka.wiki.models import WikiPage
from polka.wiki.services import Edit

CASE_STUDY_TEMPLATE = """\
Use this template to share something your team tried. Keep it short and factual; link to
documents rather than pasting them.

## Problem

What was happening, where, and who was affected? Include the numbers you had at the start.

## Approach

What did you do, with whom, and over what period? What did it cost in time and money?

## Outcome

What changed? Compare with the numbers you started with. Say what did not work, too.

## Evidence

How do you know it worked? Surveys, crime figures, evaluations — with dates and sources.

## Contact

Who can other forces ask about it? Name, role and force.
"""

FARM_WATCH = """\
## Problem

Thefts of quad bikes and tools from farms in West Devon rose from 41 to 67 a year between 2023
and 2025. Most farms are more than 20 minutes from the nearest response car.

## Approach

- A farm watch scheme run with the National Farmers' Union and two parish councils.
- Property marking days at livestock markets (480 quad bikes and trailers marked).
- A WhatsApp group for sightings, moderated by the rural crime team.

## Outcome

Thefts fell to 38 in the following year. Two organised groups were disrupted after tip-offs
from the group. See [[Problem solving with SARA]] for the method we followed.

## Evidence

| Year | Thefts | Recovered |
|------|-------:|----------:|
| 2024 | 67 | 9 |
| 2025 | 38 | 14 |

## Contact

PC Tom Ellis, Rural Crime Team, Devon and Cornwall Police.
"""

SARA = """\
SARA is a problem-solving method: **S**canning, **A**nalysis, **R**esponse, **A**ssessment.

## Scanning

Find the repeat problem: the same places, people or times. Repeat calls about anti-social behaviour
in one street are a typical start.

## Analysis

Use the problem analysis triangle: offender, victim, location.

## Response

Choose responses that address the causes you found, with partners. See [[Partnership working]].

## Assessment

Check whether it worked, against the figures you started with. Write it up as a case study:
[[Case studies|our case studies]] show how.
"""

PNC_MANUAL = """\
The working manual for PNC operators. It replaces the emailed PDF; this page is the current version.

## Before you start

- You need an up-to-date PNC user account and your bureau's local procedures.
- Check the [[Vehicle checks]] page for the changes from the last release.

## Person checks

Always confirm identity with at least two identifiers before you disclose anything.

## Vehicle checks

See [[Vehicle checks]].

## Recording your checks

Every check must carry a reason code. Supervisors audit a sample each month.

## Getting help

Ask in the forum or contact your regional coordinator.
"""


def _page(
    session: Session,
    author: User,
    community: Community,
    title: str,
    body: str,
    *,
    parent: WikiPage | None = None,
    marking: Marking = Marking.OFFICIAL,
    summary: str = "First version",
) -> WikiPage:
    saved = services.create_page(
        session, author, community, title=title, edit=Edit(body, summary, marking), parent=parent
    )
    return saved.revision.page


def _edit(session: Session, author: User, page: WikiPage, body: str, summary: str) -> None:
    edit = Edit(body, summary, page.marking, base_number=page.head_number)
    services.save_edit(session, author, page, edit)


def load_demo_wiki(world: DemoWorld) -> None:
    """Write the demo pages (the caller commits)."""
    session, people, communities = world.session, world.people, world.communities
    neighbourhood = communities["neighbourhood"]
    lead, moderator = people["neighbourhood_lead"], people["neighbourhood_mod"]
    template = _page(session, lead, neighbourhood, "Case study", CASE_STUDY_TEMPLATE)
    pages.set_template(session, moderator, template, True)
    studies = _page(
        session,
        lead,
        neighbourhood,
        "Case studies",
        "Case studies from neighbourhood teams. Start a new one from the [[Case study]] template.\n\n"
        "- [[Farm watch in West Devon]]\n",
    )
    _page(
        session,
        people["neighbourhood1"],
        neighbourhood,
        "Farm watch in West Devon",
        FARM_WATCH,
        parent=studies,
    )
    sara = _page(
        session, moderator, neighbourhood, "Problem solving with SARA", SARA.split("## Assessment")[0]
    )
    _edit(session, people["neighbourhood2"], sara, SARA, "Added the assessment step")

    pnc = communities["pnc"]
    manual = _page(session, people["pnc_lead"], pnc, "PNC manual", PNC_MANUAL)
    vehicle = _page(
        session,
        people["nw_coord"],
        pnc,
        "Vehicle checks",
        "## Changes in the last release\n\n- Keeper history now shows five years.\n",
        parent=manual,
    )
    pages.set_protected(session, people["pnc_lead"], manual, True)
    pages.set_review_required(session, people["pnc_lead"], pnc, True)
    _edit(
        session,
        people["pnc_op1"],
        vehicle,
        "## Changes in the last release\n\n- Keeper history now shows five years.\n"
        "- Insurance markers come from the MID every night.\n",
        "Added the insurance markers change",
    )  # pending: PNC Operators reviews members' edits

    forensics = communities["forensics"]
    _page(
        session,
        people["forensics_mod"],
        forensics,
        "Validation failures log",
        "## 2026\n\n- Batch 14 of the DNA kit failed the blank control; lab notified, results held.\n",
        marking=Marking.OFFICIAL_SENSITIVE,
    )
