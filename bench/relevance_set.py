"""The relevance set (issue 14): a fixed corpus of communities, wiki pages and people as a force's
practitioners write them, and 60+ searches as practitioners type them, each with the items that must
come in the first five results.

``build`` loads the corpus into an app through the services (as users make it) with the shipped
thesaurus; ``evaluate`` runs every search through the search service as a member of every community and
scores it: hit@5 (the share of searches whose every expected item is in the first five) and mean
reciprocal rank (of each search's first expected item). The tests hold hit@5 to the goal
(``tests/site_search/test_relevance.py``); ``make bench`` reports both (``python -m bench.relevance``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.accounts.services import create_user
from polka.communities.models import Community, Role
from polka.communities.services import add_member, create_community
from polka.db import transaction
from polka.markings import Marking
from polka.organisations.services import sync_organisations
from polka.people.services import ProfileChanges, update_profile
from polka.site_search import service
from polka.site_search.params import SearchParams
from polka.site_search.synonyms import sync_synonyms
from polka.wiki import services as wiki_services

PASSWORD = "relevance-lantern-harbour-2026"
#: The goal: at least this share of searches have every expected item in the first five.
HIT_AT_5_GOAL = 0.9


@dataclass(frozen=True)
class Place:
    key: str
    name: str
    summary: str
    region: str | None = None


@dataclass(frozen=True)
class Page:
    key: str
    place: str
    title: str
    body: str
    parent: str | None = None


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    email: str
    job_title: str
    expertise: str
    ask_me_about: str = ""


@dataclass(frozen=True)
class Search:
    """What a practitioner types, and the keys of the items that must be in the first five."""

    words: str
    expected: tuple[str, ...]


PLACES = (
    Place(
        "neighbourhood", "Neighbourhood Policing", "Problem solving, ward panels and working with partners"
    ),
    Place("roads", "Roads Policing", "Collisions, drink and drug driving, and safer roads", "North West"),
    Place("pnc", "PNC Operators", "Operators and auditors of the Police National Computer"),
    Place(
        "rural", "Rural Crime Network", "Farm, wildlife and heritage crime across the counties", "South West"
    ),
    Place("safeguarding", "Safeguarding", "Protecting children and vulnerable adults"),
    Place("custody", "Custody Suites", "Detention, welfare and the custody record"),
    Place("digital", "Digital Investigation", "Devices, social media and online evidence"),
)

PAGES = (
    Page(
        "sara",
        "neighbourhood",
        "Problem solving with SARA",
        "Scanning, analysis, response and assessment. "
        "Start from repeat calls about the same street and work with partners on the causes.",
    ),
    Page(
        "asb-toolkit",
        "neighbourhood",
        "Tackling anti-social behaviour",
        "Community protection notices, dispersal orders and working with housing providers on nuisance.",
    ),
    Page(
        "ward-panels",
        "neighbourhood",
        "Ward panels",
        "Residents and officers meet each quarter to set local priorities. Minutes go on the community page.",
    ),
    Page(
        "pcso-role",
        "neighbourhood",
        "The role of a police community support officer",
        "Patrol, engagement and the powers a PCSO may be given by the chief constable.",
    ),
    Page(
        "hate-crime",
        "neighbourhood",
        "Reporting hate crime",
        "Third-party reporting centres, recording a hate incident and supporting victims.",
    ),
    Page(
        "knife-crime",
        "neighbourhood",
        "Knife crime prevention",
        "Weapons sweeps, surrender bins and school talks with the violence reduction unit.",
    ),
    Page(
        "cpn",
        "neighbourhood",
        "Community protection notices",
        "A written warning first, then the notice; breach is an offence.",
        parent="asb-toolkit",
    ),
    Page(
        "rtc-investigation",
        "roads",
        "Investigating a road traffic collision",
        "Scene management, the collision investigator and the file for the coroner.",
    ),
    Page(
        "drink-drive",
        "roads",
        "Drink and drug driving",
        "Roadside breath tests, drug wipes and the procedure at the station.",
    ),
    Page(
        "anpr-guide",
        "roads",
        "Automatic number plate recognition",
        "How the cameras read plates, hotlists and how long reads are kept.",
    ),
    Page(
        "speed-enforcement",
        "roads",
        "Speed enforcement",
        "Mobile vans, speed awareness courses and community speed watch.",
    ),
    Page(
        "insurance",
        "roads",
        "No insurance seizures",
        "Section 165 seizure of vehicles driven without insurance, and the notice to the driver.",
    ),
    Page(
        "rural-minutes",
        "rural",
        "Minutes of 12 March",
        "Quad bike thefts, hare coursing and the farm "
        "watch scheme were discussed. Actions for the next meeting.",
    ),
    Page(
        "hare-coursing", "rural", "Hare coursing", "Seizing dogs and vehicles, and working with landowners."
    ),
    Page(
        "farm-watch", "rural", "Farm watch", "A messaging scheme for farmers to report suspicious vehicles."
    ),
    Page(
        "heritage", "rural", "Heritage crime", "Metal theft from churches and damage to scheduled monuments."
    ),
    Page("wildlife", "rural", "Wildlife crime", "Raptor persecution, badger baiting and poaching."),
    Page(
        "pnc-manual",
        "pnc",
        "PNC manual",
        "The working manual: every person check needs a reason code; record it before you search.",
    ),
    Page(
        "pnc-audit",
        "pnc",
        "Auditing PNC transactions",
        "Monthly audits of transaction logs and what to do about a check without a reason.",
    ),
    Page(
        "pnc-vehicles",
        "pnc",
        "Vehicle checks on the PNC",
        "Keeper details, reported stolen markers and insurance flags.",
        parent="pnc-manual",
    ),
    Page(
        "pnc-wanted",
        "pnc",
        "Wanted and missing markers",
        "Adding and removing wanted or missing markers on a nominal record.",
    ),
    Page(
        "misper-policy",
        "safeguarding",
        "Missing person investigations",
        "Risk grading, the first hour and the return home interview for every missing child.",
    ),
    Page(
        "cse-indicators",
        "safeguarding",
        "Child sexual exploitation indicators",
        "Signs to look for and referring to the multi-agency safeguarding hub.",
    ),
    Page(
        "county-lines",
        "safeguarding",
        "County lines",
        "Drug lines exploiting children and vulnerable adults; cuckooing of homes.",
    ),
    Page(
        "dash",
        "safeguarding",
        "Domestic abuse risk assessment",
        "The DASH questions, high risk referrals to MARAC and safety planning.",
    ),
    Page(
        "dvpo",
        "safeguarding",
        "Domestic violence protection orders",
        "Applying for a notice and an order, and what breach means.",
    ),
    Page(
        "fgm", "safeguarding", "Female genital mutilation", "Mandatory reporting duty and protection orders."
    ),
    Page(
        "modern-slavery",
        "safeguarding",
        "Modern slavery",
        "Spotting victims of trafficking and the national referral mechanism.",
    ),
    Page(
        "custody-record",
        "custody",
        "Keeping the custody record",
        "Every action, visit and decision is written down with the time.",
    ),
    Page(
        "pace-clock",
        "custody",
        "Detention time limits",
        "The detention clock under the Police and Criminal Evidence Act, reviews and extensions.",
    ),
    Page(
        "use-of-force",
        "custody",
        "Use of force reporting",
        "Recording restraint, handcuffs and incapacitant spray after every use.",
    ),
    Page(
        "taser",
        "custody",
        "Taser in custody",
        "When a conducted energy device may be drawn or fired in a cell block.",
    ),
    Page(
        "detainee-welfare",
        "custody",
        "Detainee welfare",
        "Cell checks, rousing and the healthcare professional's assessment.",
    ),
    Page(
        "appropriate-adult",
        "custody",
        "Appropriate adults",
        "Who may act, when they are needed for a youth or vulnerable adult, and interviews.",
    ),
    Page(
        "phone-extraction",
        "digital",
        "Mobile phone extraction",
        "Consent, the digital processing notice and extracting only what is needed.",
    ),
    Page(
        "social-media",
        "digital",
        "Social media enquiries",
        "Open source research, authorities needed and keeping an audit trail.",
    ),
    Page(
        "cyber-fraud",
        "digital",
        "Cyber crime and online fraud",
        "Reporting to Action Fraud, phishing and ransomware attacks on businesses.",
    ),
    Page(
        "bwv",
        "digital",
        "Body-worn video",
        "Switch on early, tell people you are recording, and retention of footage as evidence.",
    ),
    Page(
        "cctv",
        "digital",
        "Recovering CCTV",
        "Ask early, export in the native format and note the time offset.",
    ),
    Page(
        "stop-search",
        "neighbourhood",
        "Stop and search",
        "Grounds, GOWISELY and recording every encounter, with body-worn video on.",
    ),
    Page(
        "hotspots",
        "neighbourhood",
        "Hotspot patrols",
        "Short visible patrols where crime concentrates, planned from the analyst's maps.",
    ),
    Page(
        "licensing",
        "neighbourhood",
        "Licensing reviews",
        "Working with the council when a premises licence leads to violence.",
    ),
)

PEOPLE = (
    Person(
        "priya",
        "Priya Shah",
        "priya.shah@met.police.uk",
        "PNC bureau supervisor",
        "PNC auditing, ANPR",
        "Transaction logs and reason codes",
    ),
    Person(
        "gareth",
        "Gareth Hughes",
        "gareth.hughes@gmp.police.uk",
        "Roads policing sergeant",
        "Collision investigation, drink driving",
    ),
    Person(
        "aisha",
        "Aisha Rahman",
        "aisha.rahman@met.police.uk",
        "Safeguarding detective",
        "Child exploitation, county lines",
        "Return home interviews",
    ),
    Person(
        "tom",
        "Tom Ellis",
        "tom.ellis@devon-cornwall.police.uk",
        "Rural crime officer",
        "Hare coursing, wildlife crime",
    ),
    Person(
        "sandra",
        "Sandra Okafor",
        "sandra.okafor@met.police.uk",
        "Neighbourhood inspector",
        "Problem solving, ward panels",
    ),
    Person(
        "ben",
        "Ben Carter",
        "ben.carter@west-midlands.police.uk",
        "Digital media investigator",
        "Phone extraction, open source research",
    ),
)

SEARCHES = (
    # acronyms and what they stand for, both ways
    Search("ASB", ("asb-toolkit",)),
    Search("anti social behaviour", ("asb-toolkit",)),
    Search("antisocial behaviour", ("asb-toolkit",)),
    Search("PNC", ("place:pnc", "pnc-manual")),
    Search("police national computer", ("place:pnc",)),
    Search("PCSO powers", ("pcso-role",)),
    Search("police community support officer", ("pcso-role",)),
    Search("ANPR", ("anpr-guide",)),
    Search("number plate cameras", ("anpr-guide",)),
    Search("RTC", ("rtc-investigation",)),
    Search("road traffic collision", ("rtc-investigation",)),
    Search("MISPER", ("misper-policy",)),
    Search("missing persons", ("misper-policy",)),
    Search("CSE", ("cse-indicators",)),
    Search("DASH", ("dash",)),
    Search("DVPO", ("dvpo",)),
    Search("FGM", ("fgm",)),
    Search("BWV", ("bwv",)),
    Search("body worn video", ("bwv",)),
    Search("bodyworn video retention", ("bwv",)),
    Search("CCTV", ("cctv",)),
    Search("PACE detention clock", ("pace-clock",)),
    Search("CED", ("taser",)),
    Search("MASH referral", ("cse-indicators",)),
    Search("MARAC", ("dash",)),
    Search("VRU", ("knife-crime",)),
    # words from different places in an item
    Search("neighbourhood problem solving", ("sara",)),
    Search("rural crime network minutes", ("rural-minutes",)),
    Search("hare coursing", ("hare-coursing",)),
    Search("quad bike theft", ("rural-minutes",)),
    Search("farm watch", ("farm-watch",)),
    Search("metal theft churches", ("heritage",)),
    Search("badger baiting", ("wildlife",)),
    Search("reason code", ("pnc-manual",)),
    Search("pnc vehicle checks", ("pnc-vehicles",)),
    Search("wanted markers", ("pnc-wanted",)),
    Search("transaction audit", ("pnc-audit",)),
    Search("return home interview", ("misper-policy",)),
    Search("county lines cuckooing", ("county-lines",)),
    Search("trafficking", ("modern-slavery",)),
    Search("custody record", ("custody-record",)),
    Search("use of force", ("use-of-force",)),
    Search("handcuffs restraint", ("use-of-force",)),
    Search("taser", ("taser",)),
    Search("cell checks", ("detainee-welfare",)),
    Search("appropriate adult interview", ("appropriate-adult",)),
    Search("phone extraction consent", ("phone-extraction",)),
    Search("open source research", ("social-media", "person:ben")),
    Search("phishing", ("cyber-fraud",)),
    Search("cybercrime", ("cyber-fraud",)),
    Search("stop and search grounds", ("stop-search",)),
    Search("hotspot patrols", ("hotspots",)),
    Search("premises licence violence", ("licensing",)),
    Search("knife crime", ("knife-crime",)),
    Search("hate crime reporting", ("hate-crime",)),
    Search("breath test", ("drink-drive",)),
    Search("speed awareness course", ("speed-enforcement",)),
    Search("no insurance seizure", ("insurance",)),
    Search("community protection notice", ("cpn",)),
    Search("ward panel minutes", ("ward-panels",)),
    # misspellings, plurals and American spellings
    Search("nieghbourhood problem solving", ("sara",)),
    Search("anti social behavior", ("asb-toolkit",)),
    Search("domestic abuse risk assesment", ("dash",)),
    Search("wildlfie crime", ("wildlife",)),
    # communities and people
    Search("rural crime", ("place:rural",)),
    Search("safeguarding", ("place:safeguarding",)),
    Search("who knows hare coursing", ("person:tom",)),
    Search("collision investigation", ("person:gareth", "rtc-investigation")),
    Search("child exploitation", ("person:aisha", "cse-indicators")),
    Search("ward panels", ("ward-panels", "person:sandra")),
)


@dataclass
class Corpus:
    """The loaded corpus: each key's (kind, id), and a reader who is a member of every community."""

    items: dict[str, tuple[str, int]]
    reader_id: int


@dataclass
class Scores:
    hit_at_5: float
    mrr: float
    seconds: list[float] = field(default_factory=list)
    #: the searches that missed: (words, the first five keys found)
    misses: list[tuple[str, list[str]]] = field(default_factory=list)


def build(app: Flask) -> Corpus:
    """Load the corpus through the services (the search index is written as each change commits)."""
    sessions = app.extensions["polka.sessions"]
    hasher = app.extensions["polka.passwords"]
    items: dict[str, tuple[str, int]] = {}
    with sessions() as session, transaction(session):
        sync_organisations(session)
        sync_synonyms(session)
        reader = create_user(
            session, hasher, email="reader@met.police.uk", name="Rae Reader", password=PASSWORD
        )
        author = create_user(
            session, hasher, email="author@met.police.uk", name="Ada Author", password=PASSWORD
        )
        places: dict[str, Community] = {}
        for place in PLACES:
            community = create_community(
                session,
                None,
                name=place.name,
                summary=place.summary,
                region=place.region,
                marking_ceiling=Marking.OFFICIAL_SENSITIVE,
                managers=[],
            )
            add_member(session, community, reader, Role.MEMBER)
            add_member(session, community, author, Role.MODERATOR)
            places[place.key] = community
            items[f"place:{place.key}"] = ("communities.community", community.id)
        for person in PEOPLE:
            user = create_user(session, hasher, email=person.email, name=person.name, password=PASSWORD)
            _profile(session, user, person)
            items[f"person:{person.key}"] = ("people.person", user.id)
        reader_id = reader.id
        author.totp_confirmed_at = author.created_at  # moderators publish at once
        pages: dict[str, object] = {}
        for page in PAGES:
            saved = wiki_services.create_page(
                session,
                author,
                places[page.place],
                title=page.title,
                edit=wiki_services.Edit(body=page.body + "\n", summary="", marking=Marking.OFFICIAL),
                parent=pages.get(page.parent) if page.parent else None,  # type: ignore[arg-type]
            )
            pages[page.key] = saved.revision.page
            items[page.key] = ("wiki.page", saved.revision.page.id)
    app.extensions["polka.search"].drain()  # every change indexed before anyone searches
    return Corpus(items, reader_id)


def _profile(session: Session, user: User, person: Person) -> None:
    changes = ProfileChanges(
        job_title=person.job_title,
        expertise=person.expertise,
        ask_me_about=person.ask_me_about,
        organisation_id=user.organisation_id,
    )
    update_profile(session, user, changes)


def evaluate(app: Flask, corpus: Corpus) -> Scores:
    """Every search of ``SEARCHES`` through the search service, as the corpus's reader."""
    keys = {item: key for key, item in corpus.items.items()}
    hits = 0
    reciprocal = 0.0
    scores = Scores(0.0, 0.0)
    sessions = app.extensions["polka.sessions"]
    engine = app.extensions["polka.search"].backend
    with app.test_request_context("/search"), sessions() as session:
        reader = session.get(User, corpus.reader_id)
        for search in SEARCHES:
            started = time.perf_counter()
            outcome = service.search(session, reader, SearchParams(q=search.words), engine)
            scores.seconds.append(time.perf_counter() - started)
            session.rollback()
            found = [keys.get((result.kind, result.object_id), "?") for result in outcome.results.items]
            top = found[:5]
            if all(key in top for key in search.expected):
                hits += 1
            else:
                scores.misses.append((search.words, top))
            ranks = [found.index(key) + 1 for key in search.expected if key in found]
            reciprocal += 1 / min(ranks) if ranks else 0.0
    scores.hit_at_5 = hits / len(SEARCHES)
    scores.mrr = reciprocal / len(SEARCHES)
    return scores
