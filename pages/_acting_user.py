"""Who is acting on a request: the one seam sign-in will replace (until then, BEACON_USER)."""

import config


def acting_user() -> str:
    """The name written into the history of every change this request makes."""
    return config.ACTING_USER
