"""The one exception the road engine raises for bad input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from .types import GoalParams


class RoadError(ValueError):
    """Goal params or data that Beebrain would refuse.

    ``message`` is Beebrain's ``error`` text where Beebrain has one, so the
    API can show users the same words. ``params`` carries whatever was parsed
    before the failure; the .bb-style output uses it to echo tini/tfin/etc.
    the way Beebrain's error outputs do. ``partial``: out-params Beebrain had
    already computed when it gave up (a road error comes after the data was
    processed, so its output still shows numpts, tdat, mean, ...).
    """

    def __init__(self, message: str, params: "GoalParams | None" = None,
                 partial: Optional[dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.params = params
        self.partial = partial or {}

    def __str__(self) -> str:
        return self.message
