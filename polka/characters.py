"""Characters no text in POLKA may hold: one definition for refusing them at input and for keeping them
out of every document POLKA writes (Atom feeds now; iCalendar and email use the same function).

Refused:

- the C0 controls except tab, line feed and carriage return (XML 1.0 cannot carry them at all);
- DEL and the C1 controls U+0080–U+009F (XML 1.0 allows them but discourages them, XML 1.1 and
  iCalendar refuse them, and in typed text they are mis-decoded Windows-1252, never meant);
- surrogates U+D800–U+DFFF (not characters: XML cannot carry them, UTF-8 cannot encode them);
- the 66 Unicode noncharacters: U+FFFE and U+FFFF (XML 1.0 cannot carry them), U+FDD0–U+FDEF and the
  last two code points of every plane (XML allows them, but Unicode reserves them for a program's
  internal use, never for interchange, and feed validators flag them).

Private-use characters, format characters (like the bidirectional marks) and characters not yet
assigned stay allowed: they are text that a later Unicode version or a user's font can give a meaning.
"""

from __future__ import annotations

import re

#: Tab, line feed and carriage return are the only controls text may hold.
_REFUSED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
    + "]"
)
#: What an output writes where the database held a refused character.
REPLACEMENT = "\ufffd"


def first_refused_character(text: str) -> str | None:
    """The first character in ``text`` that POLKA refuses, or None."""
    found = _REFUSED.search(text)
    return found.group() if found else None


def describe(character: str) -> str:
    """A refused character as people can look it up: ``U+FFFF``."""
    return f"U+{ord(character):04X}"


def clean_output(text: str) -> str:
    """``text`` with every refused character replaced by U+FFFD, for writing into XML, iCalendar or
    email whatever the database holds."""
    return _REFUSED.sub(REPLACEMENT, text)
