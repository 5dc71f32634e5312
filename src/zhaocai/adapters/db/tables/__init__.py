"""All tables. Each domain keeps its tables in its own module here; importing this package registers them all."""

from zhaocai.adapters.db.tables import (
    audit,  # noqa: F401
    bidding,  # noqa: F401
    bonds,  # noqa: F401
    credit,  # noqa: F401
    exchange,  # noqa: F401
    identity,  # noqa: F401
    notifications,  # noqa: F401
    tendering,  # noqa: F401
)
from zhaocai.adapters.db.tables.base import metadata

__all__ = ["metadata"]
