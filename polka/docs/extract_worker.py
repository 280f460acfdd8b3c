"""The child process that reads a file's text for ``extraction.extract_in_subprocess``.

Run as ``python -m polka.docs.extract_worker PATH MEDIA_TYPE MAX_CHARS MEMORY_MB``. It caps its own
address space first, reads the file with ``extract_text``, and prints one JSON object on stdout:
``{"ok": true, "text": ..., "truncated": ...}`` or ``{"ok": false, "error": "unsupported" | "failed",
"message": ...}``. Anything a library prints goes to stderr, so the reply stays parseable. Needs neither
the app nor the database.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import warnings
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    path, media_type, max_chars, memory_mb = argv
    limit = int(memory_mb) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # Only this process's JSON goes to the real stdout: libraries that print write to stderr.
    reply_stream = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    warnings.simplefilter("ignore")  # a library's complaints about a file are not failures

    from polka.docs.extraction import ExtractionFailed, Unsupported, extract_text

    reply: dict[str, Any]
    try:
        extracted = extract_text(Path(path), media_type, max_chars=int(max_chars))
        reply = {"ok": True, "text": extracted.text, "truncated": extracted.truncated}
    except Unsupported as exc:
        reply = {"ok": False, "error": "unsupported", "message": str(exc)}
    except ExtractionFailed as exc:
        reply = {"ok": False, "error": "failed", "message": str(exc)}
    json.dump(reply, reply_stream, ensure_ascii=False)
    reply_stream.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
