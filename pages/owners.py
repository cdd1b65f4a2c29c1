"""`/owners` — the accountability board: every owner with their metrics' statuses and commitments,
and what needs attention (off-track metrics with no plan, overdue commitments, metrics without owner).

The view (?period=&compare=) decides the statuses, as on the scorecard.
"""

import dash
from dash import html

import queries
from components.board import attention_list, board_grid
from components.header import page_header, view_attributes
from data.state import commitments
from i18n import _
from queries.accountability import metric_plans, owner_board
from views import closed_loop
from views.commitment_context import names
from views.context import page_layout
from views.users import may_change_commitments

dash.register_page(
    __name__, path="/owners", name="Owners", title=lambda **_query: _("Owners · Beacon"), order=3
)

ROOT = "owners-root"


def layout(**query):
    return page_layout(_owners, query)


def _owners(context) -> html.Div:
    view = context.view
    # Only the columns the board shows: the KPI frame has forty.
    card = queries.scorecard(view)[["metric_id", "name", "owner_id", "status"]]
    register = commitments.register()
    plans = metric_plans(card, register)
    board = owner_board(card, register, queries.owners())
    labels = names()
    return html.Div(
        [
            page_header(_("Owners"), _("Who owns each metric, and what they are doing about it"), view, None),
            attention_list(
                plans, register[register["overdue"]], labels, context.view_filters, may_change_commitments()
            ),
            board_grid(board, labels["metric"], context.view_filters, closed_loop.per_owner(view)),
        ],
        id=ROOT,
        className="owners-page",
        **view_attributes(view),
    )
