"""Small helpers shared by the models."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp column stores it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
