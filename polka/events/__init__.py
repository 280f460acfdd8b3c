"""Events calendars: each community's events and meetings, one-off or repeating (see ``feature.py``)."""
