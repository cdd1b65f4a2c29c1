"""Beacon's tests. Every test, and every command or server a test starts, keeps its state out of the
checkout's data/state.db: the state database is a throwaway file unless a test names its own."""

import os
import tempfile
from pathlib import Path

os.environ["BEACON_STATE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp(prefix='beacon-tests-')) / 'state.db'}"
