"""Notifications: what changed, told to the people it concerns, in the app and by email (``models``)."""
