"""``polka demo``: a realistic demo site, loaded once.

Every demo account shares one documented password (demo only — never on a real service).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import TokenPurpose, User
from polka.accounts.passwords import PasswordHashing
from polka.accounts.services import Registration, create_user, find_user_by_email, register, verify_email
from polka.accounts.tokens import issue_token
from polka.accounts.web import hasher
from polka.communities.membership import request_to_join
from polka.communities.models import Community, Role, Visibility
from polka.communities.requests import request_community
from polka.communities.services import add_member, create_community
from polka.config import Settings
from polka.content.feature import DemoWorld
from polka.db import transaction, utcnow
from polka.features import FEATURES
from polka.http import session_factory, settings
from polka.insights.rebuild import rebuild_month
from polka.markings import Marking
from polka.months import Month
from polka.organisations.services import sync_organisations
from polka.people.services import ProfileChanges, update_profile
from polka.site_search.synonyms import sync_synonyms
from polka.storage import FileStore

DEMO_PASSWORD = "polka-demo-lantern-2026"  # noqa: S105 - documented, demo only
ADMIN_EMAIL = "admin@college.police.uk"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    email: str
    job_title: str
    expertise: tuple[str, ...] = ()
    ask_me_about: str = ""


PEOPLE = (
    DemoPerson("admin", "Alex Morgan", ADMIN_EMAIL, "POLKA service manager", ("Service management",)),
    DemoPerson(
        "pnc_lead",
        "Sandra Okafor",
        "sandra.okafor@met.police.uk",
        "National PNC user group chair",
        ("PNC", "PNC auditing", "Data quality"),
        "Running a national user group",
    ),
    DemoPerson(
        "nw_coord",
        "Gareth Hughes",
        "gareth.hughes@gmp.police.uk",
        "PNC regional coordinator, North West",
        ("PNC", "Training"),
        "Regional PNC meetings and minutes",
    ),
    DemoPerson(
        "ldn_coord",
        "Aisha Rahman",
        "aisha.rahman@met.police.uk",
        "PNC regional coordinator, London",
        ("PNC", "Wanted and missing reports"),
    ),
    DemoPerson(
        "wales_coord",
        "Rhys Evans",
        "rhys.evans@south-wales.police.uk",
        "PNC regional coordinator, Wales",
        ("PNC", "Welsh language services"),
    ),
    DemoPerson(
        "pnc_op1",
        "Claire Whitfield",
        "claire.whitfield@merseyside.police.uk",
        "PNC operator",
        ("PNC", "Vehicle records"),
    ),
    DemoPerson(
        "pnc_op2",
        "Tom Brennan",
        "tom.brennan@lancashire.police.uk",
        "PNC bureau supervisor",
        ("PNC", "Court resulting"),
    ),
    DemoPerson("pnc_op3", "Priya Nair", "priya.nair@cumbria.police.uk", "PNC operator", ("PNC",)),
    DemoPerson(
        "pnc_op4", "Daniel Cole", "daniel.cole@met.police.uk", "PNC operator", ("PNC", "Firearms licensing")
    ),
    DemoPerson("pnc_op5", "Megan Price", "megan.price@dyfed-powys.police.uk", "PNC operator", ("PNC",)),
    DemoPerson(
        "pnc_op6",
        "Owen Jones",
        "owen.jones@north-wales.police.uk",
        "PNC trainer",
        ("PNC", "Training"),
        "PNC refresher courses",
    ),
    DemoPerson(
        "pnc_reader",
        "Hannah Lee",
        "hannah.lee@cheshire.police.uk",
        "Information management officer",
        ("Records management",),
    ),
    DemoPerson(
        "digital_lead",
        "Marcus Bell",
        "marcus.bell@west-midlands.police.uk",
        "Head of digital engagement",
        ("Social media", "Digital engagement"),
        "Running force social media accounts",
    ),
    DemoPerson(
        "digital_mod",
        "Jess Taylor",
        "jess.taylor@avonandsomerset.police.uk",
        "Digital communications officer",
        ("Social media", "Community engagement"),
    ),
    DemoPerson(
        "digital1",
        "Sam Patel",
        "sam.patel@leicestershire.police.uk",
        "Neighbourhood sergeant",
        ("Social media", "Neighbourhood policing"),
    ),
    DemoPerson(
        "digital2",
        "Laura Kennedy",
        "laura.kennedy@scotland.police.uk",
        "Corporate communications officer",
        ("Digital engagement", "Crisis communications"),
    ),
    DemoPerson(
        "digital3",
        "Chris Doyle",
        "chris.doyle@psni.police.uk",
        "Community engagement officer",
        ("Community engagement",),
    ),
    DemoPerson(
        "forensics_lead",
        "Dr Ruth Adeyemi",
        "ruth.adeyemi@west-yorkshire.police.uk",
        "Head of forensic services",
        ("Forensic science", "Quality standards"),
        "ISO 17025 accreditation",
    ),
    DemoPerson(
        "forensics_mod",
        "Ian Fraser",
        "ian.fraser@northumbria.police.uk",
        "Crime scene manager",
        ("Crime scene investigation",),
    ),
    DemoPerson(
        "forensics1",
        "Nadia Kowalski",
        "nadia.kowalski@thamesvalley.police.uk",
        "Forensic investigator",
        ("Digital forensics",),
    ),
    DemoPerson(
        "forensics2",
        "Paul Griffiths",
        "paul.griffiths@kent.police.uk",
        "Fingerprint examiner",
        ("Fingerprints",),
    ),
    DemoPerson(
        "neighbourhood_lead",
        "Beverley Shaw",
        "beverley.shaw@nottinghamshire.police.uk",
        "Inspector, neighbourhood policing",
        ("Neighbourhood policing", "Problem solving"),
        "Problem-oriented policing",
    ),
    DemoPerson(
        "neighbourhood_mod",
        "Ahmed Hussain",
        "ahmed.hussain@west-midlands.police.uk",
        "PCSO supervisor",
        ("Neighbourhood policing", "Anti-social behaviour"),
    ),
    DemoPerson(
        "neighbourhood1",
        "Kate Wilson",
        "kate.wilson@devonandcornwall.police.uk",
        "Rural crime officer",
        ("Rural crime",),
    ),
    DemoPerson(
        "neighbourhood2",
        "Joe Murphy",
        "joe.murphy@essex.police.uk",
        "Police community support officer",
        ("Neighbourhood policing",),
    ),
    DemoPerson(
        "neighbourhood3",
        "Fiona Campbell",
        "fiona.campbell@sussex.police.uk",
        "Neighbourhood sergeant",
        ("Neighbourhood policing", "Problem solving"),
    ),
    DemoPerson(
        "analyst", "Yusuf Ali", "yusuf.ali@nca.gov.uk", "Intelligence analyst", ("Analysis", "Data quality")
    ),
    DemoPerson(
        "college",
        "Eleanor Grant",
        "eleanor.grant@college.police.uk",
        "Practice adviser",
        ("Evidence-based policing", "Case studies"),
        "Writing up case studies",
    ),
    DemoPerson("btp", "Rob Fletcher", "rob.fletcher@btp.police.uk", "Sergeant", ("Railway policing",)),
    DemoPerson("newbie", "Zoe Adams", "zoe.adams@hampshire.police.uk", "Probationer constable", ()),
)

PNC_DESCRIPTION = """The national community for **Police National Computer** operators, bureau supervisors
and trainers.

- Regional groups below hold each region's meeting minutes and calendars.
- Ask the community before you raise a change request: someone has usually met the problem before.
"""


def load_demo(session: Session, hasher: PasswordHashing, settings: Settings) -> dict[str, User]:
    """Create the demo site; assumes an empty database (apart from organisations and synonyms)."""
    sync_organisations(session)
    sync_synonyms(session)
    people: dict[str, User] = {}
    for person in PEOPLE:
        user = create_user(
            session,
            hasher,
            email=person.email,
            name=person.name,
            password=DEMO_PASSWORD,
            admin=person.key == "admin",
        )
        update_profile(
            session,
            user,
            ProfileChanges(
                job_title=person.job_title,
                ask_me_about=person.ask_me_about,
                expertise=", ".join(person.expertise),
                organisation_id=user.organisation_id,
            ),
        )
        people[person.key] = user
    session.flush()

    def community(name: str, managers: list[str], **kwargs: Any) -> Community:
        return create_community(
            session, people["admin"], name=name, managers=[people[k] for k in managers], **kwargs
        )

    def members(target: Community, role: Role, *keys: str) -> None:
        for key in keys:
            add_member(session, target, people[key], role)

    pnc = community(
        "PNC Operators",
        ["pnc_lead"],
        visibility=Visibility.RESTRICTED,
        summary="Police National Computer operators, supervisors and trainers",
        description=PNC_DESCRIPTION,
    )
    members(pnc, Role.MODERATOR, "nw_coord")
    members(pnc, Role.MEMBER, "ldn_coord", "wales_coord", "pnc_op1", "pnc_op2", "pnc_op4", "pnc_op6")
    members(pnc, Role.READER, "pnc_reader")
    regions = (
        ("PNC Operators – North West", "North West", "nw_coord", ("pnc_op1", "pnc_op2", "pnc_op3")),
        ("PNC Operators – London", "London", "ldn_coord", ("pnc_op4",)),
        ("PNC Operators – Wales", "Wales", "wales_coord", ("pnc_op5", "pnc_op6")),
    )
    regional = {}
    for name, region, coordinator, operators in regions:
        sub = regional[region] = community(
            name,
            [coordinator],
            visibility=Visibility.RESTRICTED,
            parent=pnc,
            region=region,
            summary=f"Regional PNC group: meeting minutes, calendar and local practice for {region}",
        )
        members(sub, Role.MEMBER, *operators)

    digital = community(
        "Digital and Social Media Engagement",
        ["digital_lead"],
        visibility=Visibility.OPEN,
        summary="How forces use social media and digital channels to engage the public",
        description="Share what works in **digital engagement**: campaigns, policies, tools and lessons learned.",
    )
    members(digital, Role.MODERATOR, "digital_mod")
    members(digital, Role.MEMBER, "digital1", "digital2", "digital3", "neighbourhood1", "college")

    forensics = community(
        "Forensics Practitioners",
        ["forensics_lead"],
        visibility=Visibility.PRIVATE,
        marking_ceiling=Marking.OFFICIAL_SENSITIVE,
        summary="Forensic practitioners sharing methods, validation and quality issues",
        description="A closed community for accredited forensic practitioners. Material may be OFFICIAL-SENSITIVE.",
    )
    members(forensics, Role.MODERATOR, "forensics_mod")
    members(forensics, Role.MEMBER, "forensics1", "forensics2")

    neighbourhood = community(
        "Neighbourhood Policing",
        ["neighbourhood_lead"],
        visibility=Visibility.OPEN,
        summary="Problem solving, engagement and visibility in neighbourhoods",
        description="Case studies and guidance for **neighbourhood teams**, from problem solving to rural crime.",
    )
    members(neighbourhood, Role.MODERATOR, "neighbourhood_mod")
    members(
        neighbourhood, Role.MEMBER, "neighbourhood1", "neighbourhood2", "neighbourhood3", "digital1", "btp"
    )
    members(neighbourhood, Role.READER, "college", "analyst")

    _waiting_for_decisions(session, hasher, settings, people, pnc)
    with _as_if_enrolled(session, people.values()):
        world = DemoWorld(
            session,
            FileStore(settings.files_dir),
            people,
            {
                "pnc": pnc,
                "pnc_north_west": regional["North West"],
                "neighbourhood": neighbourhood,
                "forensics": forensics,
                "digital": digital,
            },
        )
        for feature in FEATURES:
            if feature.demo is not None:
                feature.demo(world)
    session.flush()
    this_month = Month.of(utcnow())
    for month in (this_month.plus(-1), this_month):  # as the worker counts them each night
        rebuild_month(session, month)
    return people


@contextmanager
def _as_if_enrolled(session: Session, people: Iterable[User]) -> Iterator[None]:
    """Moderation powers need two-factor authentication, which the demo's people set up themselves
    when they first sign in: while the demo's content is written they count as enrolled, then not."""
    unenrolled = [person for person in people if person.totp_confirmed_at is None]
    for person in unenrolled:
        person.totp_confirmed_at = utcnow()
    try:
        yield
    finally:
        for person in unenrolled:
            person.totp_confirmed_at = None
        session.flush()


def _waiting_for_decisions(
    session: Session, hasher: PasswordHashing, settings: Settings, people: dict[str, User], pnc: Community
) -> None:
    """Things for the demo's managers and administrator to decide: a join request, an account from
    outside policing, and a request for a new community."""
    request_to_join(
        session,
        people["newbie"],
        pnc,
        "I have just started in the Hampshire PNC bureau and would like to learn from other operators.",
    )
    register(
        session,
        hasher,
        Registration(
            name="Sam Contractor",
            email="sam.contractor@example.com",
            password=DEMO_PASSWORD,
            sponsor_email=people["pnc_lead"].email,
            reason="Supporting the PNC replacement programme's user research for the Home Office.",
        ),
        settings,
    )
    contractor = find_user_by_email(session, "sam.contractor@example.com")
    assert contractor is not None
    token = issue_token(session, contractor, TokenPurpose.VERIFY_EMAIL, hours=settings.token_hours)
    assert token is not None
    verify_email(session, token, settings)
    request_community(
        session,
        people["neighbourhood1"],
        name="Rural and Wildlife Crime",
        summary="Farm, wildlife and heritage crime officers",
        description="A place for rural crime officers to share what works.",
        visibility=Visibility.OPEN,
        marking_ceiling=Marking.OFFICIAL,
        region="South West",
        parent_id=None,
        reason="Rural crime officers across the South West share practice by email today.",
    )


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Load the demo data once (a second run changes nothing)."""
    with session_factory()() as session, transaction(session):
        if find_user_by_email(session, ADMIN_EMAIL) is not None or session.scalar(select(User.id).limit(1)):
            click.echo("The database already has users; demo data not loaded.")
            return
        people = load_demo(session, hasher(), settings())
    click.echo(f"Demo data loaded: {len(people)} users. Every demo account's password is: {DEMO_PASSWORD}")
    click.echo(f"Administrator: {ADMIN_EMAIL}")
