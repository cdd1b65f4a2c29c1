"""The stale-data notice above every data page: each metric's latest data against its own cadence on
today's date (in BEACON_TIMEZONE), outside the pages' memoised bodies so that it follows the clock."""

import queries
from components.header import stale_notice
from data.state.commitments import current_date


def with_stale_notice(page):
    """`page` with the stale-data notice above it when any metric is late today; `page` alone else."""
    try:
        as_of = queries.latest_data_day()
        today = current_date()
        notice = stale_notice(queries.data_freshness(today), as_of, today) if as_of else None
    except queries.WarehouseError:
        notice = None  # the page itself says the warehouse cannot be read
    return [notice, page] if notice else page
