"""What the search page shows: results, facets and the suggestion, ready for a template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from polka.markings import Marking
from polka.pagination import Page
from polka.site_search.params import SearchParams


@dataclass(frozen=True)
class Result:
    """One hit the user may see. ``snippet`` is safe HTML (escaped text, matches in ``<mark>``)."""

    kind: str
    object_id: int
    kind_label: str
    title: str
    url: str
    #: where it lives ("" for a community, or a person)
    community_name: str
    community_slug: str
    #: a person's organisation
    organisation_name: str
    marking: Marking
    author_name: str | None
    #: None for a person
    updated_at: datetime | None
    snippet: Markup
    #: the words of the search a partial match does not contain
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: ``value`` is what the filter's query parameter carries."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    """``name`` is the query parameter (``kind``, ``community``, ``organisation``, ``tag``)."""

    name: str
    label: str
    values: list[FacetValue]


@dataclass(frozen=True)
class Outcome:
    """A whole search page: ``results`` is the requested page (clamped to the last page),
    ``suggestion`` a respelt query that finds more for this user, or None; ``complete`` how many
    results contain every word when results with most of them were added (None when none were);
    ``synonyms`` each thesaurus term found in the query with the synonyms searched with it, and
    ``synonyms_capped`` whether some terms were searched without theirs (too many words)."""

    params: SearchParams
    results: Page[Result]
    facets: list[Facet]
    suggestion: str | None
    complete: int | None = None
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    synonyms_capped: bool = False

    @property
    def total(self) -> int:
        return self.results.total

    @property
    def marks_synonyms(self) -> bool:
        """Whether a snippet on this page marks a word found through a synonym."""
        return any("polka-mark--synonym" in result.snippet for result in self.results.items)
