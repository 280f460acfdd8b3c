"""``wsgi.py`` at the repository's top: the ``app`` gunicorn serves, built from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHOW_APP = """
import json
import flask
import wsgi

app = wsgi.app
settings = app.extensions["polka.settings"]
print(json.dumps({
    "flask": isinstance(app, flask.Flask),
    "data_dir": str(settings.data_dir),
    "database_url": settings.database_url,
    "base_url": settings.base_url,
    "signs_in": type(app.login_manager).__name__,
}))
"""


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLKA_") and k != "PORT"}
    env.update(
        POLKA_DATA_DIR=str(tmp_path / "data"),
        POLKA_DATABASE_URL=f"sqlite:///{tmp_path / 'from-env.db'}",
        POLKA_SECRET_KEY="wsgi-test-secret",
        POLKA_BASE_URL="https://polka.example.police.uk",
    )
    return env


def test_wsgi_app_is_polka_built_from_the_environment(tmp_path):
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", SHOW_APP],
        cwd=ROOT,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown == {
        "flask": True,
        "data_dir": str((tmp_path / "data").resolve()),
        "database_url": f"sqlite:///{tmp_path / 'from-env.db'}",
        "base_url": "https://polka.example.police.uk",
        "signs_in": "PolkaLoginManager",
    }


def test_gunicorn_loads_wsgi_app_as_make_run_serves_it(tmp_path):
    assert "wsgi:app" in (ROOT / "scripts" / "serve").read_text(encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--check-config", "wsgi:app"],
        cwd=ROOT,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
