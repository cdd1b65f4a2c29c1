"""Who is acting on a request, and what they may see: the one seam between pages and sign-in (auth).

Who may save which commitment is views.commitments' (`save_refusal`, `may_edit`, `read_only_note`)."""

import auth
import config
from auth.web import current_user

acting_user = current_user


def case_actor(user: auth.User) -> str:
    """Who did something to a follow-up case, as its history says it: 'Ana Silva (ana)'."""
    return user.name if not user.username else f"{user.name} ({user.username})"


def may_read_comments() -> bool:
    """Whether this request's user reads verbatim comments (BEACON_VIEWER_COMMENTS limits viewers)."""
    return auth.may_read_comments(current_user(), config.VIEWER_COMMENTS == "shown")


def may_change_commitments() -> bool:
    """Whether this request's user may change commitments at all (the forms are shown only then)."""
    return auth.may_change_commitments(current_user())


def rights() -> dict[str, bool]:
    """What this request's user may see of a page, as a plain dict: memoised pages take it as an
    argument, so one user's page is never served to another with other rights."""
    return {"read_comments": may_read_comments(), "change_commitments": may_change_commitments()}
