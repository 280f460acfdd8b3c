"""Community wikis: pages with full history, safe Markdown, review and no lost edits."""
