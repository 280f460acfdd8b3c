"""Administration of organisations: routes on the admin blueprint."""

from __future__ import annotations

from polka.admin.views import bp  # noqa: F401
