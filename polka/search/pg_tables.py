"""The PostgreSQL search backend's tables: on their own metadata, since only a PostgreSQL database has
them (created by a migration that does nothing on SQLite).

- ``search_documents``: one row per indexed object: what trims and filters it, its title and body (for
  snippets), and ``vector``, its words as ``polka.search.analysis`` makes them, each at its position
  and weighted by field (title ``A``, where it lives ``C``, body ``D``); ``lead``, the same for its title,
  where it lives and the opening of its body, kept in the row (``STORAGE MAIN``) so that ranking many
  matches reads no out-of-line value; ``terms``, what the exact index finds (stems, pairs of adjacent
  words, title terms: ``polka.search.pg_query.Vectors``) and whether they are ``complete``.
  ``scope`` says who may see it as one number, derived by the database from its audience, community
  and sensitivity (``SCOPE``), so that one index narrows a word's matches to those a searcher may see
  before any row is read. ``generation`` is the rebuild that last wrote it.
- ``search_words``: every unstemmed word the documents have held, with its stem: the vocabulary that
  prefixes expand over and "Did you mean …?" respells from (a trigram index finds close words).
- ``search_state``: one row: the ``format`` the index was built by, the current ``generation`` and
  whether a rebuild is running.
- ``search_journal``: while a rebuild runs, the objects the applier changed, replayed before it ends.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Computed,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR

from polka.db import NAMING_CONVENTION, UTCDateTime

SEARCH_METADATA = MetaData(naming_convention=NAMING_CONVENTION)

#: The PostgreSQL extensions the backend needs: trigram similarity, for "Did you mean …?".
EXTENSIONS = ("pg_trgm",)

#: Who may see a row: its community's id for content its readers may see; the negative id for
#: OFFICIAL-SENSITIVE content (its members only); 0 for the rest (communities themselves, people, what
#: is open to everyone signed in), which the full condition sorts out (``pg_backend._allowed``).
SCOPE = (
    "CASE WHEN audience = 'readers' THEN CASE WHEN sensitive THEN -community_id ELSE community_id END"
    " ELSE 0 END"
)

search_documents = Table(
    "search_documents",
    SEARCH_METADATA,
    Column("kind", String(40), primary_key=True),
    Column("object_id", Integer, primary_key=True),
    Column("audience", String(16), nullable=False),
    Column("community_id", Integer, nullable=False),
    Column("sensitive", Boolean, nullable=False),
    Column("organisation_id", Integer),
    Column("author_id", Integer),
    Column("tags", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("vector", TSVECTOR, nullable=False),
    Column("lead", TSVECTOR, nullable=False),
    Column("terms", TSVECTOR, nullable=False, server_default=text("''")),
    Column("complete", Boolean, nullable=False, server_default=false()),
    Column("boost", Float, nullable=False, server_default=text("1")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("generation", Integer, nullable=False, server_default=text("0")),
    Column("scope", Integer, Computed(SCOPE, persisted=True), nullable=False),
    Index("ix_search_documents_terms", "terms", postgresql_using="gin"),
    Index("ix_search_documents_scope", "scope"),
    Index("ix_search_documents_updated_at", "updated_at"),
)

search_words = Table(
    "search_words",
    SEARCH_METADATA,
    Column("word", Text, primary_key=True),
    Column("stem", Text, nullable=False),
    Index(
        "ix_search_words_trigrams", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"}
    ),
    Index("ix_search_words_prefix", "word", postgresql_ops={"word": "text_pattern_ops"}),
)

search_state = Table(
    "search_state",
    SEARCH_METADATA,
    Column("id", Integer, primary_key=True),
    Column("format", Integer, nullable=False),
    Column("generation", Integer, nullable=False, server_default=text("0")),
    Column("rebuilding", Boolean, nullable=False, server_default=false()),
)

search_journal = Table(
    "search_journal",
    SEARCH_METADATA,
    Column("kind", String(40), primary_key=True),
    Column("object_id", Integer, primary_key=True),
)
