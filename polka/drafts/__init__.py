"""Drafts of long edits, kept on the server for their author (see ``services``)."""
