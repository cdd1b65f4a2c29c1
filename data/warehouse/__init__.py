"""The warehouse: its contract, snapshots (written whole, swapped atomically) and ingest of your own files."""
