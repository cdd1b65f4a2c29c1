"""Component IDs shared across pages. Page-specific IDs live in their page module, prefixed by page."""

URL = "shell-url"
THEME_STORE = "shell-theme"  # "light" | "dark" | None (follow the system), kept in localStorage
THEME_TOGGLE = "shell-theme-toggle"
