"""Page titles and their slugs: ``[[PNC manual]]`` and the page titled "PNC manual" meet at ``pnc-manual``."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from polka.errors import ValidationError
from polka.forms import has_control_characters
from polka.text import check_text, slugify
from polka.wiki.models import SLUG_MAX, TITLE_MAX

#: Words after /wiki/ that name the wiki's own pages; a page with such a title gets ``-page`` added.
RESERVED = frozenset(
    {"new", "changes", "changes.atom", "pending", "deleted", "settings", "templates", "tree", "my-edits"}
)


def slug_for(title: str) -> str:
    """The slug a title always maps to (so a wiki link finds the page by its title)."""
    title = " ".join(title.split())
    latin = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    if not re.search(r"[A-Za-z0-9]", latin):
        # No Latin letters or digits to spell it with: still one slug per title.
        return "page-" + hashlib.sha256(title.casefold().encode()).hexdigest()[:10]
    slug = slugify(title, max_length=SLUG_MAX - 5)
    return f"{slug}-page" if slug in RESERVED else slug


def check_title(title: str) -> str:
    """A stripped, valid page title (``ValidationError`` on ``title`` otherwise)."""
    value = check_text("title", title, TITLE_MAX, "a title", required=True)
    if has_control_characters(value):
        message = "The title contains characters that cannot be used"
        raise ValidationError(message, {"title": message})
    return " ".join(value.split())
