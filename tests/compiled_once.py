"""What every test's app compiles, compiled once a test process.

Every test makes an app of its own (a fresh data directory and database), and two things an app
compiles cost more than the rest of making it and most tests' own work:

- Werkzeug writes, parses and compiles a URL builder for each of the ~270 routes, twice (with and
  without unknown arguments): 0.3 s an app. A builder is a pure function of what its rule compiled it
  from — its text, trace and defaults, and whether it appends unknown arguments — and reaches the
  rule's converters through the rule it is bound to, so each is compiled once and bound to every later
  identical rule (``reuse_compiled_url_builders``).
- Jinja compiles each template a test renders to Python (a fifth of a page-rendering test's time).
  Its bytecode cache, kept in each app's data directory, is empty for every test; ``SHARED_TEMPLATES``
  keeps the compiled code in memory for every app of the process, keyed as Jinja keys it (the template's
  name and a checksum of its source), so an edited template is never served stale.

Tests only: a running POLKA makes one app, whose templates its file cache keeps between restarts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing.rules import Rule


def reuse_compiled_url_builders() -> None:
    """Have every ``Rule`` compiled from now on reuse the builder of an identical rule (once a process)."""
    original: Callable[..., Any] = Rule._compile_builder
    if getattr(original, "polka_reused", False):
        return
    compiled: dict[tuple[Any, ...], Callable[..., Any]] = {}

    def compile_once(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        defaults = tuple(sorted((name, repr(value)) for name, value in (self.defaults or {}).items()))
        key = (self.rule, tuple(self._trace), defaults, append_unknown)
        builder = compiled.get(key)
        if builder is None:
            builder = compiled[key] = original(self, append_unknown)
        return builder

    compile_once.polka_reused = True  # type: ignore[attr-defined]
    Rule._compile_builder = compile_once  # type: ignore[method-assign]


class _MemoryBytecodeCache(BytecodeCache):
    """Jinja's compiled templates, in memory, for every app of the process."""

    def __init__(self) -> None:
        self._code: dict[str, Any] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None and bucket.checksum == code[0]:
            bucket.code = code[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = (bucket.checksum, bucket.code)


SHARED_TEMPLATES = _MemoryBytecodeCache()
