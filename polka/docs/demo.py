"""Demo library content: regional minutes in folders, a rolling schedule with three versions (one
approved, then a draft, checked out), a CSV contact list, Markdown guidance, a map image, and an
OFFICIAL-SENSITIVE liaison list; one superseded document pointing to its replacement."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.feature import DemoWorld
from polka.docs import folders, locks, services, versions
from polka.docs.models import Document, Folder
from polka.markings import Marking
from polka.storage import FileStore

DEMO_MAX_BYTES = 10 * 1024 * 1024

SCHEDULE = """Rolling schedule – PNC regional meetings ({edition})

Quarter  Region      Host force        Date
Q1       North West  Cumbria           {q1}
Q2       London      City of London    {q2}
Q3       Wales       Dyfed-Powys       {q3}
Q4       North West  Merseyside        {q4}
"""

MINUTES = """Minutes of the North West PNC operators' meeting, {date}

Present: regional coordinator, operators from Cumbria, Lancashire and Merseyside.

1. Vehicle checks backlog: down from 140 to 35 items after the weekend rota change.
2. Training: two places left on the March PNC update course; names to the coordinator.
3. Next meeting: see the rolling schedule.
"""

GUIDANCE = """# Writing a PNC broadcast

Keep broadcasts **short and factual**:

1. Say what is needed and by when.
2. Give a reference number.
3. Name a contact with a phone number.

Do not include personal data beyond what the recipients need.
"""

CONTACTS = """Force,Role,Phone
Cumbria,PNC bureau,0300 000 0001
Lancashire,PNC bureau,0300 000 0002
Merseyside,PNC bureau,0300 000 0003
"""

LIAISON = """Liaison officers for covert tasking (OFFICIAL-SENSITIVE)

North West: DS A. Example, 0300 000 0100
London: DS B. Example, 0300 000 0200
"""


def _map_png() -> bytes:
    image = Image.new("RGB", (480, 320), (235, 240, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 40, 420, 280), outline=(29, 112, 184), width=4)
    draw.line((60, 160, 420, 160), fill=(0, 112, 60), width=3)
    draw.ellipse((220, 140, 260, 180), fill=(212, 53, 28))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _upload(
    session: Session,
    store: FileStore,
    user: User,
    community: Community,
    content: bytes,
    filename: str,
    details: services.Details,
    folder: Folder | None = None,
) -> Document:
    upload = versions.Upload(io.BytesIO(content), filename, DEMO_MAX_BYTES)
    return services.upload_document(session, user, community, store, upload, details, folder)


def load_demo_documents(world: DemoWorld) -> None:
    """Upload the demo documents (the caller commits; the worker reads their text)."""
    session, store, people, communities = world.session, world.files, world.people, world.communities
    pnc, forensics = communities["pnc"], communities["forensics"]
    lead, coordinator = people["pnc_lead"], people["nw_coord"]
    minutes = folders.create_folder(session, coordinator, pnc, None, "Minutes")
    north_west = folders.create_folder(session, coordinator, pnc, minutes, "North West")
    schedules = folders.create_folder(session, lead, pnc, None, "Schedules")

    for date, name in (("14 January 2026", "minutes-2026-01.txt"), ("11 March 2026", "minutes-2026-03.txt")):
        _upload(
            session,
            store,
            coordinator,
            pnc,
            MINUTES.format(date=date).encode(),
            name,
            services.Details(title=f"North West minutes, {date}", tags="minutes, north west"),
            north_west,
        )

    old = _upload(
        session,
        store,
        lead,
        pnc,
        SCHEDULE.format(
            edition="2025", q1="5 March", q2="4 June", q3="3 September", q4="3 December"
        ).encode(),
        "rolling-schedule-2025.txt",
        services.Details(
            title="Rolling schedule 2025", description="Last year's regional meetings.", tags="schedule"
        ),
        schedules,
    )
    versions.approve(session, coordinator, old)  # approval needs a second person: not the uploader
    schedule = _upload(
        session,
        store,
        lead,
        pnc,
        SCHEDULE.format(edition="draft", q1="4 March", q2="3 June", q3="TBC", q4="TBC").encode(),
        "rolling-schedule-2026.txt",
        services.Details(
            title="Rolling schedule 2026",
            description="Where and when the **regional PNC meetings** take place this year.",
            tags="schedule, meetings",
        ),
        schedules,
    )
    limits = versions.Limits(checkout=timedelta(hours=24))
    versions.add_version(
        session,
        lead,
        schedule,
        store,
        versions.Upload(
            io.BytesIO(
                SCHEDULE.format(edition="v2", q1="4 March", q2="3 June", q3="2 September", q4="TBC").encode()
            ),
            "rolling-schedule-2026.txt",
            DEMO_MAX_BYTES,
        ),
        "Q3 host confirmed",
        seen_head=schedule.head_number,
        limits=limits,
    )
    versions.approve(session, coordinator, schedule)
    versions.add_version(
        session,
        coordinator,
        schedule,
        store,
        versions.Upload(
            io.BytesIO(
                SCHEDULE.format(
                    edition="v3", q1="4 March", q2="3 June", q3="2 September", q4="2 December"
                ).encode()
            ),
            "rolling-schedule-2026.txt",
            DEMO_MAX_BYTES,
        ),
        "Q4 date added",
        seen_head=schedule.head_number,
        limits=limits,
    )
    locks.check_out(session, coordinator, schedule, limits.checkout)
    services.supersede(session, lead, old, schedule.id)

    _upload(
        session,
        store,
        lead,
        pnc,
        GUIDANCE.encode(),
        "pnc-broadcasts.md",
        services.Details(title="Writing a PNC broadcast", tags="guidance"),
    )
    _upload(
        session,
        store,
        coordinator,
        pnc,
        CONTACTS.encode(),
        "bureau-contacts.csv",
        services.Details(title="PNC bureau contacts", description="Phone numbers of the regional bureaux."),
    )
    _upload(
        session,
        store,
        coordinator,
        pnc,
        _map_png(),
        "north-west-map.png",
        services.Details(title="North West region map", tags="maps"),
    )
    _upload(
        session,
        store,
        people["forensics_lead"],
        forensics,
        LIAISON.encode(),
        "liaison-officers.txt",
        services.Details(title="Liaison officers", marking=Marking.OFFICIAL_SENSITIVE),
    )
