"""The outcomes a workflow of the alert and case pages returns, which its page turns into words: the
same three for every change that was not done (a wrong field, a refusal, a busy state database)."""

from dataclasses import dataclass

from data.state import database
from i18n import _


@dataclass(frozen=True)
class Invalid:
    """`field` is wrong, as `message` says; nothing was saved."""

    field: str
    message: str


@dataclass(frozen=True)
class Refused:
    """This user may not do this, as `reason` says; nothing changed."""

    reason: str


@dataclass(frozen=True)
class Busy:
    """The state database stayed busy, or could not be reached; nothing was saved."""

    unreachable: bool = False

    @classmethod
    def of(cls, error: database.BusyError) -> "Busy":
        return cls(unreachable=isinstance(error, database.UnreachableError))

    @property
    def message(self) -> str:
        if self.unreachable:
            return _("Nothing was saved: Beacon's state database cannot be reached. Try again in a moment.")
        return _("Nothing was saved: Beacon's state database stayed busy. Try again in a moment.")
