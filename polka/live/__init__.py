"""Live question sessions: a panel answers a community's questions, pre-moderated, watched live, kept as a transcript."""
