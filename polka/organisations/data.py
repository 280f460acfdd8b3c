"""Reference data: the police forces and national bodies of the United Kingdom, with email domains.

Regions follow the NPCC / regional organised crime unit grouping of the forces of England and Wales.
Forces in England and Wales long used ``<force>.pnn.police.uk`` addresses (the Police National
Network) before moving to ``<force>.police.uk``; both forms are listed where a force used them, so
older addresses still suggest the right organisation. Administrators may edit all of this later:
``sync_organisations`` only adds what is missing.
"""

from __future__ import annotations

from typing import NamedTuple

# Regions of England and Wales (NPCC / ROCU style), then the rest of the United Kingdom.
NORTH_EAST = "North East"
NORTH_WEST = "North West"
YORKSHIRE = "Yorkshire and the Humber"
EAST_MIDLANDS = "East Midlands"
WEST_MIDLANDS = "West Midlands"
EASTERN = "Eastern"
SOUTH_EAST = "South East"
SOUTH_WEST = "South West"
LONDON = "London"
WALES = "Wales"
SCOTLAND = "Scotland"
NORTHERN_IRELAND = "Northern Ireland"
NATIONAL = "National"

ENGLAND_AND_WALES_REGIONS: tuple[str, ...] = (
    NORTH_EAST,
    NORTH_WEST,
    YORKSHIRE,
    EAST_MIDLANDS,
    WEST_MIDLANDS,
    EASTERN,
    SOUTH_EAST,
    SOUTH_WEST,
    LONDON,
    WALES,
)
#: Every region an organisation may have, in the order forms and filters show them.
REGIONS: tuple[str, ...] = (*ENGLAND_AND_WALES_REGIONS, SCOTLAND, NORTHERN_IRELAND, NATIONAL)

TERRITORIAL = "territorial force"
SPECIAL = "special police force"
AGENCY = "national agency"
BODY = "national body"
UNIT = "national unit"
GOVERNMENT = "government department"
OTHER = "other"

#: Every kind of organisation, in the order forms show them.
KINDS: tuple[str, ...] = (TERRITORIAL, SPECIAL, AGENCY, BODY, UNIT, GOVERNMENT, OTHER)


class OrganisationEntry(NamedTuple):
    slug: str
    name: str
    kind: str
    region: str
    domains: tuple[str, ...]


def _force(slug: str, name: str, region: str, *labels: str) -> OrganisationEntry:
    """A territorial force whose addresses are ``<label>.police.uk`` and ``<label>.pnn.police.uk``."""
    domains: list[str] = []
    for label in labels:
        domains += [f"{label}.police.uk", f"{label}.pnn.police.uk"]
    return OrganisationEntry(slug, name, TERRITORIAL, region, tuple(domains))


#: The 43 territorial police forces of England and Wales.
TERRITORIAL_FORCES: tuple[OrganisationEntry, ...] = (
    # North East
    _force("cleveland-police", "Cleveland Police", NORTH_EAST, "cleveland"),
    _force("durham-constabulary", "Durham Constabulary", NORTH_EAST, "durham"),
    _force("northumbria-police", "Northumbria Police", NORTH_EAST, "northumbria"),
    # Yorkshire and the Humber
    _force("humberside-police", "Humberside Police", YORKSHIRE, "humberside"),
    _force("north-yorkshire-police", "North Yorkshire Police", YORKSHIRE, "northyorkshire"),
    _force("south-yorkshire-police", "South Yorkshire Police", YORKSHIRE, "southyorks"),
    _force("west-yorkshire-police", "West Yorkshire Police", YORKSHIRE, "westyorkshire", "west-yorkshire"),
    # North West
    _force("cheshire-constabulary", "Cheshire Constabulary", NORTH_WEST, "cheshire"),
    _force("cumbria-constabulary", "Cumbria Constabulary", NORTH_WEST, "cumbria"),
    _force("greater-manchester-police", "Greater Manchester Police", NORTH_WEST, "gmp"),
    _force("lancashire-constabulary", "Lancashire Constabulary", NORTH_WEST, "lancashire"),
    _force("merseyside-police", "Merseyside Police", NORTH_WEST, "merseyside"),
    # East Midlands
    _force("derbyshire-constabulary", "Derbyshire Constabulary", EAST_MIDLANDS, "derbyshire"),
    _force("leicestershire-police", "Leicestershire Police", EAST_MIDLANDS, "leicestershire"),
    _force("lincolnshire-police", "Lincolnshire Police", EAST_MIDLANDS, "lincs"),
    _force("northamptonshire-police", "Northamptonshire Police", EAST_MIDLANDS, "northants"),
    _force("nottinghamshire-police", "Nottinghamshire Police", EAST_MIDLANDS, "nottinghamshire"),
    # West Midlands
    _force("staffordshire-police", "Staffordshire Police", WEST_MIDLANDS, "staffordshire"),
    _force("warwickshire-police", "Warwickshire Police", WEST_MIDLANDS, "warwickshire"),
    _force("west-mercia-police", "West Mercia Police", WEST_MIDLANDS, "westmercia"),
    _force("west-midlands-police", "West Midlands Police", WEST_MIDLANDS, "west-midlands"),
    # Eastern
    _force("bedfordshire-police", "Bedfordshire Police", EASTERN, "bedfordshire"),
    _force("cambridgeshire-constabulary", "Cambridgeshire Constabulary", EASTERN, "cambs"),
    _force("essex-police", "Essex Police", EASTERN, "essex"),
    _force("hertfordshire-constabulary", "Hertfordshire Constabulary", EASTERN, "herts"),
    _force("norfolk-constabulary", "Norfolk Constabulary", EASTERN, "norfolk"),
    _force("suffolk-constabulary", "Suffolk Constabulary", EASTERN, "suffolk"),
    # South East
    _force("hampshire-constabulary", "Hampshire and Isle of Wight Constabulary", SOUTH_EAST, "hampshire"),
    _force("kent-police", "Kent Police", SOUTH_EAST, "kent"),
    _force("surrey-police", "Surrey Police", SOUTH_EAST, "surrey"),
    _force("sussex-police", "Sussex Police", SOUTH_EAST, "sussex"),
    _force("thames-valley-police", "Thames Valley Police", SOUTH_EAST, "thamesvalley"),
    # South West
    _force("avon-and-somerset-police", "Avon and Somerset Police", SOUTH_WEST, "avonandsomerset"),
    _force("devon-and-cornwall-police", "Devon and Cornwall Police", SOUTH_WEST, "devonandcornwall"),
    _force("dorset-police", "Dorset Police", SOUTH_WEST, "dorset"),
    _force("gloucestershire-constabulary", "Gloucestershire Constabulary", SOUTH_WEST, "gloucestershire"),
    _force("wiltshire-police", "Wiltshire Police", SOUTH_WEST, "wiltshire"),
    # London
    _force("metropolitan-police", "Metropolitan Police Service", LONDON, "met"),
    _force("city-of-london-police", "City of London Police", LONDON, "cityoflondon"),
    # Wales
    _force("dyfed-powys-police", "Dyfed-Powys Police", WALES, "dyfed-powys"),
    _force("gwent-police", "Gwent Police", WALES, "gwent"),
    _force("north-wales-police", "North Wales Police", WALES, "north-wales", "northwales"),
    _force("south-wales-police", "South Wales Police", WALES, "south-wales"),
)

#: Forces outside England and Wales, special forces, national agencies, bodies and units.
NATIONAL_ORGANISATIONS: tuple[OrganisationEntry, ...] = (
    OrganisationEntry(
        "police-scotland",
        "Police Scotland",
        TERRITORIAL,
        SCOTLAND,
        ("scotland.police.uk", "scotland.pnn.police.uk"),
    ),
    OrganisationEntry(
        "psni",
        "Police Service of Northern Ireland",
        TERRITORIAL,
        NORTHERN_IRELAND,
        ("psni.police.uk", "psni.pnn.police.uk"),
    ),
    OrganisationEntry(
        "british-transport-police",
        "British Transport Police",
        SPECIAL,
        NATIONAL,
        ("btp.police.uk", "btp.pnn.police.uk"),
    ),
    OrganisationEntry(
        "ministry-of-defence-police",
        "Ministry of Defence Police",
        SPECIAL,
        NATIONAL,
        ("mod.police.uk", "mdp.pnn.police.uk"),
    ),
    OrganisationEntry(
        "civil-nuclear-constabulary",
        "Civil Nuclear Constabulary",
        SPECIAL,
        NATIONAL,
        ("cnc.police.uk", "cnc.pnn.police.uk"),
    ),
    OrganisationEntry("national-crime-agency", "National Crime Agency", AGENCY, NATIONAL, ("nca.gov.uk",)),
    OrganisationEntry("college-of-policing", "College of Policing", BODY, NATIONAL, ("college.police.uk",)),
    OrganisationEntry(
        "npcc", "National Police Chiefs' Council", BODY, NATIONAL, ("npcc.police.uk", "npcc.pnn.police.uk")
    ),
    OrganisationEntry(
        "counter-terrorism-policing",
        "Counter Terrorism Policing",
        UNIT,
        NATIONAL,
        ("counterterrorism.police.uk",),
    ),
    OrganisationEntry(
        "acro", "ACRO Criminal Records Office", UNIT, NATIONAL, ("acro.police.uk", "acro.pnn.police.uk")
    ),
    OrganisationEntry("police-digital-service", "Police Digital Service", UNIT, NATIONAL, ("pds.police.uk",)),
    OrganisationEntry("home-office", "Home Office", GOVERNMENT, NATIONAL, ("homeoffice.gov.uk",)),
)

ORGANISATIONS: tuple[OrganisationEntry, ...] = TERRITORIAL_FORCES + NATIONAL_ORGANISATIONS
