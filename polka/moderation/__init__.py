"""Moderation, shared by every discussion feature (forum posts now; blog comments and live questions
later): reports into a community's review queue, moderators' decisions, and the moderation log."""
