"""The search engine side (kernel): documents, the query language, the backend interface and its
Whoosh implementation, the outbox that keeps the index in step with the database, and the registry
where features say how their objects become search documents.

Nothing here knows users or permissions: callers pass the communities a search may draw from
(``Access``), and the composition layer (``polka.site_search``) decides what those are.
"""
