"""Feeds: Atom for feed readers (the one writer, the personal feed) and the feed key that lets them in."""
