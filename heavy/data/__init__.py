"""The data patterns' base classes, for app code: SQL models, repositories, mungers, managers.

Tables subclass :class:`HeavyModel` (the SQL database) or :class:`VectorHeavyModel` (the vector
database); repositories subclass :class:`SQLRepositoryBase` and read the event's session from the
context variable; mungers turn SQL models into shared models; managers hold the business logic
(docs/data-layer.md).
"""

from heavy.data.heavy_model import HeavyModel, VectorHeavyModel, timestamp_field, utc_now
from heavy.data.manager_base import BaseManager
from heavy.data.munger_base import ModelMunger, SQLModelMunger
from heavy.data.repository_base import NoDatabaseSessionError, SQLRepositoryBase, VectorSQLRepositoryBase

__all__ = [
    "BaseManager",
    "HeavyModel",
    "ModelMunger",
    "NoDatabaseSessionError",
    "SQLModelMunger",
    "SQLRepositoryBase",
    "VectorHeavyModel",
    "VectorSQLRepositoryBase",
    "timestamp_field",
    "utc_now",
]
