"""Import every model module so ``Base.metadata`` is complete (Alembic, tests, ``polka db``).

The core's modules are listed here; each feature's come from its manifest (``Feature.models``).
"""

from polka.accounts import kept as accounts_kept  # noqa: F401
from polka.accounts import models as accounts  # noqa: F401
from polka.activity import models as activity  # noqa: F401
from polka.audit import models as audit  # noqa: F401
from polka.communities import models as communities  # noqa: F401
from polka.crossrefs import models as crossrefs  # noqa: F401
from polka.drafts import models as drafts  # noqa: F401
from polka.features import FEATURES
from polka.jobs import models as jobs  # noqa: F401
from polka.organisations import models as organisations  # noqa: F401
from polka.search import outbox as search  # noqa: F401

#: every feature's model modules, imported by the features' manifests
FEATURE_MODELS = tuple(module for feature in FEATURES for module in feature.models)
