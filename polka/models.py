"""Import every model module so ``Base.metadata`` is complete (Alembic, tests, ``polka db``)."""

from polka.accounts import kept as accounts_kept  # noqa: F401
from polka.accounts import models as accounts  # noqa: F401
from polka.activity import models as activity  # noqa: F401
from polka.audit import models as audit  # noqa: F401
from polka.communities import models as communities  # noqa: F401
from polka.crossrefs import models as crossrefs  # noqa: F401
from polka.docs import models as docs  # noqa: F401
from polka.drafts import models as drafts  # noqa: F401
from polka.jobs import models as jobs  # noqa: F401
from polka.organisations import models as organisations  # noqa: F401
from polka.search import outbox as search  # noqa: F401
from polka.subscriptions import models as subscriptions  # noqa: F401
from polka.wiki import models as wiki  # noqa: F401
