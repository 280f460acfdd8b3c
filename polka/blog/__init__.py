"""Blogs: each community's posts, written, scheduled, published and read (see ``feature.py``)."""
