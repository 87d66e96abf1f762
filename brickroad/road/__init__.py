"""The road engine: a reimplementation of Beeminder's Beebrain.

Pure functions from goal params and datapoints to the red line and the goal's
status. No I/O, no clock (``asof`` is an argument), no imports from the rest
of brickroad.

    from brickroad.road import GoalParams, Datapoint, compute, RoadError
    res = compute(GoalParams(tini=..., vini=0, road=[], tfin=..., rfin=1,
                             runits="d", yaw=1, dir=1, aggday="sum", kyoom=True),
                  [Datapoint(t, 1.0, "")], asof=t)
    res.safebuf, res.tluz, res.delta, res.fullroad, ...

``stats_from_bb`` runs a Beebrain .bb dict and returns Beebrain's JSON stats.
"""

from .aggregate import AGGDAY_METHODS
from .bbjson import error_stats, load_bb, result_stats, stats_from_bb
from .engine import compute
from .errors import RoadError
from .params import from_bb, vet
from .types import AggPoint, Datapoint, DueRow, GoalParams, RawPoint, RoadResult, Segment

__all__ = [
    "AGGDAY_METHODS",
    "AggPoint", "Datapoint", "DueRow", "GoalParams", "RawPoint", "RoadError", "RoadResult",
    "Segment", "compute", "error_stats", "from_bb", "load_bb", "result_stats",
    "stats_from_bb", "vet",
]
