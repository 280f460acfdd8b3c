"""Protective marking: what POLKA may hold, the community ceiling, and the banner."""

from __future__ import annotations

import pytest

from polka.errors import ValidationError
from polka.markings import Marking, check_within_ceiling, parse_marking


@pytest.mark.parametrize(
    ("typed", "marking"),
    [
        ("OFFICIAL", Marking.OFFICIAL),
        ("official", Marking.OFFICIAL),
        ("", Marking.OFFICIAL),
        ("OFFICIAL-SENSITIVE", Marking.OFFICIAL_SENSITIVE),
        (" official_sensitive ", Marking.OFFICIAL_SENSITIVE),
    ],
)
def test_markings_polka_holds_are_understood(typed, marking):
    assert parse_marking(typed) is marking


@pytest.mark.parametrize("typed", ["SECRET", "secret", "TOP SECRET", "Top-Secret"])
def test_anything_above_official_sensitive_is_refused_with_a_clear_message(typed):
    with pytest.raises(ValidationError) as refused:
        parse_marking(typed)
    assert "accredited up to OFFICIAL-SENSITIVE" in str(refused.value)
    assert refused.value.field_errors["marking"]


def test_an_unknown_marking_is_refused():
    with pytest.raises(ValidationError, match="Unknown marking"):
        parse_marking("RESTRICTED")


def test_content_above_the_community_ceiling_is_refused():
    with pytest.raises(ValidationError, match="up to OFFICIAL only"):
        check_within_ceiling(Marking.OFFICIAL_SENSITIVE, Marking.OFFICIAL)


def test_content_at_or_below_the_ceiling_is_accepted():
    check_within_ceiling(Marking.OFFICIAL, Marking.OFFICIAL_SENSITIVE)
    check_within_ceiling(Marking.OFFICIAL_SENSITIVE, Marking.OFFICIAL_SENSITIVE)


@pytest.mark.parametrize("position", ["top", "bottom"])
def test_the_banner_names_the_marking_and_need_to_know(app, position):
    with app.test_request_context():
        macro = app.jinja_env.get_template("macros/marking.html").module.banner
        html = str(macro(Marking.OFFICIAL_SENSITIVE, position))
    assert "OFFICIAL-SENSITIVE" in html
    assert "need to know" in html
    assert f"polka-marking--{position}" in html
