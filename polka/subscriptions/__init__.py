"""Subscriptions: who follows what, for every content kind (a wiki page, a document, a folder, a
community, later a forum category). Following checks what the user may see; notifications will
deliver to the followers later."""
