"""Who is acting on a request, and what they may do: the one seam between pages and sign-in (auth)."""

import auth
import config
from auth.web import current_user
from views.commitment_context import metric_owners

acting_user = current_user


def may_read_comments() -> bool:
    """Whether this request's user reads verbatim comments (BEACON_VIEWER_COMMENTS limits viewers)."""
    return auth.may_read_comments(current_user(), config.VIEWER_COMMENTS == "shown")


def rights() -> dict[str, bool]:
    """What this request's user may see of a page, as a plain dict: memoised pages take it as an
    argument, so one user's page is never served to another with other rights."""
    return {"read_comments": may_read_comments(), "change_commitments": may_change_commitments()}


def commitment_refusal(stored: dict | None, wanted: dict) -> str | None:
    """Why this request's user may not save `wanted` over `stored` (None: a new one), or None."""
    return auth.commitment_refusal(current_user(), metric_owners(), stored, wanted)


def may_change_commitments() -> bool:
    """Whether this request's user may change commitments at all (the forms are shown only then)."""
    return auth.may_change_commitments(current_user())
