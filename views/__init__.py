"""Between pages and queries: what a page needs from its URL (the page context, the acting user), and
the workflows pages run (saving a commitment). Pages import from here; nothing here imports a page."""
