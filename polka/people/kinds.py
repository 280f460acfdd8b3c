"""The name people go by as a content kind, for modules that queue or name them without showing them
(``polka.people.search`` shows them)."""

PERSON_KIND = "people.person"
