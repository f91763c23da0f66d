"""BaseManager: business logic over repositories, returning what its munger makes.

Each manager declares the munger kinds it understands in ``possible_mungers``; in debug runs
(Python without ``-O``) a wrong munger is a TypeError at construction, naming the kinds it takes,
rather than a confusing attribute error deep in a handler later.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from heavy.data.munger_base import ModelMunger

T = TypeVar("T")
G = TypeVar("G")


class BaseManager(Generic[T, G]):
    possible_mungers: ClassVar[tuple[type[ModelMunger[Any, Any]], ...]] = ()

    def __init__(self, munger: ModelMunger[T, G]) -> None:
        if __debug__:
            self._check_munger(munger)
        self.munger = munger

    def _check_munger(self, munger: object) -> None:
        if not self.possible_mungers:
            raise TypeError(f"{type(self).__name__} declares no possible_mungers")
        if not isinstance(munger, self.possible_mungers):
            kinds = " or ".join(kind.__name__ for kind in self.possible_mungers)
            raise TypeError(f"{type(self).__name__} takes a {kinds}, not a {type(munger).__name__}")
