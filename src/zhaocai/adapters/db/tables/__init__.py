"""All tables. Each domain keeps its tables in its own module here; importing this package registers them all."""

from zhaocai.adapters.db.tables import (
    archive,  # noqa: F401
    audit,  # noqa: F401
    award,  # noqa: F401
    bidding,  # noqa: F401
    bonds,  # noqa: F401
    credit,  # noqa: F401
    evaluation,  # noqa: F401
    exchange,  # noqa: F401
    experts,  # noqa: F401
    identity,  # noqa: F401
    notifications,  # noqa: F401
    opening,  # noqa: F401
    tendering,  # noqa: F401
)
from zhaocai.adapters.db.tables.base import metadata

__all__ = ["metadata"]
