"""The forum: each community's categories, topics and replies (see ``feature.py``)."""
