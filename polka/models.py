"""Every module declaring tables, imported so ``Base.metadata`` is complete (Alembic, tests, ``polka db``).

The core's modules are listed here; each feature's come from its manifest (``Feature.models``).
"""

from sqlalchemy import MetaData

from polka.accounts import kept as accounts_kept
from polka.accounts import models as accounts
from polka.activity import models as activity
from polka.audit import models as audit
from polka.communities import models as communities
from polka.crossrefs import models as crossrefs
from polka.db import Base
from polka.drafts import models as drafts
from polka.features import FEATURES
from polka.insights import models as insights
from polka.jobs import models as jobs
from polka.jobs import turns as job_turns
from polka.moderation import models as moderation
from polka.notifications import models as notifications
from polka.organisations import models as organisations
from polka.people import models as people
from polka.search import outbox as search
from polka.search.pg_tables import SEARCH_METADATA
from polka.site_search import models as site_search
from polka.subscriptions import models as subscriptions

MODULES = (
    accounts_kept,
    accounts,
    activity,
    audit,
    communities,
    crossrefs,
    drafts,
    insights,
    jobs,
    job_turns,
    moderation,
    notifications,
    organisations,
    people,
    search,
    site_search,
    subscriptions,
    *(module for feature in FEATURES for module in feature.models),
)


def metadata_for(dialect: str) -> list[MetaData]:
    """Every table a database of ``dialect`` holds: the models', and on PostgreSQL the search backend's
    (``polka.search.pg_tables``)."""
    return [Base.metadata, SEARCH_METADATA] if dialect == "postgresql" else [Base.metadata]
