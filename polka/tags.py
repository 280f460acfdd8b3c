"""Tags people give what they write (documents, forum topics): short words, stored comma-separated on
the item, trimmed and lower-cased, each once."""

from __future__ import annotations

import re
import unicodedata

from polka.errors import ValidationError
from polka.forms import has_control_characters

#: Besides letters and digits of any script (with their accents) and spaces, what a tag may hold:
#: "covid-19", "stop & search", "s.136", "24/7", "c++", "#notalone", "women's safety".
TAG_PUNCTUATION = frozenset("-'’&./+#_")

#: The longest tag, how many one item may carry, and their length together (the column's).
TAG_MAX = 40
MAX_TAGS = 10
TAGS_MAX = 300


def parse_tags(text: str) -> str:
    """``"Stalking, DA,  stalking"`` → ``"stalking,da"``: trimmed, lower-cased, no repeats, comma-joined."""
    tags: list[str] = []
    for raw in re.split(r"[,;\n]", text or ""):
        tag = " ".join(raw.split()).lower()
        if not tag or tag in tags:
            continue
        if len(tag) > TAG_MAX or has_control_characters(tag):
            message = f"Each tag must be {TAG_MAX} characters or fewer"
            raise ValidationError(message, {"tags": message})
        odd = next((ch for ch in tag if not _allowed(ch)), None)
        if odd is not None:
            message = f"A tag cannot hold “{odd}”: use letters, digits, spaces and {' '.join(sorted(TAG_PUNCTUATION))}"
            raise ValidationError(message, {"tags": message})
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        message = f"Give at most {MAX_TAGS} tags"
        raise ValidationError(message, {"tags": message})
    joined = ",".join(tags)
    if len(joined) > TAGS_MAX:
        message = "The tags are too long together: use fewer"
        raise ValidationError(message, {"tags": message})
    return joined


def _allowed(ch: str) -> bool:
    return ch == " " or ch in TAG_PUNCTUATION or unicodedata.category(ch)[0] in "LNM"


def split_tags(tags: str) -> list[str]:
    """Tags as stored (comma-separated) as a list."""
    return [tag for tag in tags.split(",") if tag]
