"""What a callback does with URL input its page would not have drawn.

A page checks its URL when drawn and shows a message instead of controls for what it cannot show, so
only a request made by hand brings such input to a callback: it gets no update (HTTP 204), never a
traceback or a 500.
"""

from dash.exceptions import PreventUpdate

import queries

#: What the pages' URL checks raise for input they name in a message: a bad period or comparison, an
#: unknown id, a filter the register does not have.
BAD_INPUT = (queries.PeriodError, LookupError, ValueError)


def as_drawn(resolve, *args):
    """`resolve(*args)`: the page's own check of its URL (the view, the rows it shows), or no update."""
    try:
        return resolve(*args)
    except BAD_INPUT:
        raise PreventUpdate from None
