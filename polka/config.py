"""Settings: every value comes from a ``POLKA_*`` environment variable or ``instance/config.py``.

Defaults run POLKA on one machine: SQLite and files under ``./instance``, mail written to
``instance/mail`` as ``.eml`` files, and access allowed from loopback and the private ranges.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

PRIVATE_NETWORKS = "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"
LOOPBACK = "127.0.0.0/8,::1/128"

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigError(ValueError):
    """A setting has a value POLKA cannot use."""


def _networks(value: str) -> tuple[IpNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in value.split(",") if v.strip())
    except ValueError as exc:
        raise ConfigError(f"not a list of CIDR networks: {value!r} ({exc})") from exc


def in_networks(address: str, networks: tuple[IpNetwork, ...]) -> bool:
    """Whether ``address`` (an IPv4 address mapped into IPv6 counting as itself) is in one of ``networks``."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in net for net in networks)


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"not a yes/no value: {value!r}")


#: The loopback networks (this machine).
LOOPBACK_NETWORKS = _networks(LOOPBACK)


def _words(value: str) -> tuple[str, ...]:
    return tuple(v.strip().lower() for v in value.split(",") if v.strip())


@dataclass(frozen=True)
class Settings:
    """Every setting POLKA reads, typed, with its default."""

    data_dir: Path = Path("instance")
    #: Where uploaded files are kept; unset, ``files`` in the data directory. Several app nodes share
    #: one (NFS, say): see the README for what it must guarantee.
    files_dir: Path = Path()
    database_url: str = ""
    secret_key: str = ""
    trusted_networks: tuple[IpNetwork, ...] = field(default_factory=lambda: _networks(PRIVATE_NETWORKS))
    trusted_proxies: tuple[IpNetwork, ...] = ()
    allowed_email_domains: tuple[str, ...] = ("police.uk",)
    require_approval: bool = False
    smtp_url: str = ""
    mail_from: str = "POLKA <no-reply@polka.police.uk>"
    base_url: str = "http://127.0.0.1:5000"
    max_upload_mb: int = 200
    #: A document's check-out lock lapses after this many hours.
    docs_checkout_hours: int = 24
    #: Caps on reading text out of one uploaded file (a background job).
    docs_extract_max_chars: int = 1_000_000
    docs_extract_seconds: int = 120
    #: Apply search index changes in the committing thread (tests) instead of a background thread.
    search_inline: bool = False
    #: ``whoosh`` (an index in the data directory: one machine) or ``postgresql`` (tables of the
    #: database: any number of app nodes); unset, PostgreSQL when the database is PostgreSQL.
    search_backend: str = ""
    #: ``json`` (one JSON object a line, for log collectors) or ``text`` (for a terminal).
    log_format: str = "json"
    #: Networks whose Prometheus servers may read ``/metrics`` (nobody else may, nor learn it is there).
    metrics_networks: tuple[IpNetwork, ...] = field(default_factory=lambda: _networks(LOOPBACK))
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    #: Signed-in pages warn (with JavaScript) this long before the idle limit ends the session.
    session_warning_seconds: int = 300
    login_max_failures: int = 10
    login_window_minutes: int = 15
    login_lock_minutes: int = 15
    ip_max_failures: int = 50
    token_hours: int = 24
    #: argon2id cost; tests lower these, production keeps the OWASP-recommended defaults.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    #: gzip large pages, JSON, stylesheets and scripts (``polka.compression``); turn off when the
    #: reverse proxy in front compresses.
    compress_responses: bool = True

    @property
    def session_idle(self) -> timedelta:
        return timedelta(minutes=self.session_idle_minutes)

    @property
    def session_absolute(self) -> timedelta:
        return timedelta(hours=self.session_absolute_hours)

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def search_dir(self) -> Path:
        return self.data_dir / "search"

    @property
    def cache_dir(self) -> Path:
        """What can be thrown away and made again (compiled templates)."""
        return self.data_dir / "cache"


_PARSERS: dict[str, Any] = {
    "data_dir": Path,
    "files_dir": Path,
    "trusted_networks": _networks,
    "trusted_proxies": _networks,
    "metrics_networks": _networks,
    "allowed_email_domains": _words,
    "require_approval": _bool,
    "search_inline": _bool,
    "compress_responses": _bool,
}


def _parse(name: str, raw: str, default: Any) -> Any:
    parser = _PARSERS.get(name)
    if parser is not None:
        return parser(raw)
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"POLKA_{name.upper()} must be a whole number, not {raw!r}") from exc
    return raw


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from the environment, ``instance/config.py`` and explicit overrides (tests)."""
    env = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    defaults = Settings()
    data_dir = Path(overrides.get("data_dir") or env.get("POLKA_DATA_DIR") or defaults.data_dir)
    file_values = _read_config_file(data_dir / "config.py")
    for f in fields(Settings):
        key = f"POLKA_{f.name.upper()}"
        if f.name in overrides:
            values[f.name] = overrides[f.name]
        elif key in env:
            values[f.name] = _parse(f.name, env[key], getattr(defaults, f.name))
        elif key in file_values:
            raw = file_values[key]
            values[f.name] = _parse(f.name, raw, getattr(defaults, f.name)) if isinstance(raw, str) else raw
    values["data_dir"] = data_dir.resolve()
    files_dir = Path(values.get("files_dir") or "")
    values["files_dir"] = (data_dir / "files" if files_dir == Path() else files_dir).resolve()
    if "base_url" not in values:
        values["base_url"] = _local_base_url(env.get("PORT", ""))
    settings = Settings(**values)
    if not settings.database_url:
        settings = replace(settings, database_url=f"sqlite:///{settings.data_dir / 'polka.db'}")
    if not settings.secret_key:
        settings = replace(settings, secret_key=_stored_secret_key(settings.data_dir))
    if settings.log_format not in ("json", "text"):
        raise ConfigError(f"POLKA_LOG_FORMAT must be json or text, not {settings.log_format!r}")
    return replace(settings, search_backend=_search_backend(settings))


#: The search backends ``POLKA_SEARCH_BACKEND`` may name.
SEARCH_BACKENDS = ("whoosh", "postgresql")


def _search_backend(settings: Settings) -> str:
    on_postgresql = settings.database_url.startswith("postgresql")
    chosen = settings.search_backend.strip().lower() or ("postgresql" if on_postgresql else "whoosh")
    if chosen not in SEARCH_BACKENDS:
        raise ConfigError(
            f"POLKA_SEARCH_BACKEND must be whoosh or postgresql, not {settings.search_backend!r}"
        )
    if chosen == "postgresql" and not on_postgresql:
        raise ConfigError(
            "POLKA_SEARCH_BACKEND=postgresql needs a PostgreSQL database (POLKA_DATABASE_URL=postgresql://…)"
        )
    return chosen


def _local_base_url(port: str) -> str:
    """Where ``make run`` serves POLKA on this machine (``PORT``, 5000 when unset): the links in emails
    point there unless ``POLKA_BASE_URL`` says otherwise."""
    if not port.strip():
        return Settings.base_url
    if not port.strip().isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"PORT must be a port number (1–65535), not {port!r}")
    return f"http://127.0.0.1:{int(port)}"


def _read_config_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    namespace: dict[str, Any] = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102 - operator's own file
    return {k: v for k, v in namespace.items() if k.startswith("POLKA_")}


def _stored_secret_key(data_dir: Path) -> str:
    """Read the secret key kept in the data directory, generating it on first run."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        tmp = data_dir / f".secret_key.{secrets.token_hex(8)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # fails if another process won the race; its key is kept
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
