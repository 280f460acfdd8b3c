"""The WSGI entry point: ``gunicorn wsgi:app`` from the repository's folder.

``app`` is built by ``polka.create_app()`` from the ``POLKA_*`` environment (and
``$POLKA_DATA_DIR/config.py``), as ``make run`` and the README's deployment section use it.
"""

from __future__ import annotations

from polka import create_app

app = create_app()
