"""`python -m data.ingest`: load CSV/Parquet files into the warehouse as a new snapshot (data.warehouse.ingest)."""

import sys

from data.warehouse.ingest import main

if __name__ == "__main__":
    sys.exit(main())
