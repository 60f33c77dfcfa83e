"""The fixed date every dialog test runs on (a module of its own: `conftest` is ambiguous across test folders)."""
from __future__ import annotations

import datetime as dt

TODAY = dt.date(2026, 11, 22)  # a Sunday
NOW = dt.datetime(2026, 11, 22, 10, 30, tzinfo=dt.timezone.utc)
