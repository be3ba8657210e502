"""Readiness scores of a feasibility assessment (pure functions, no storage).

Each criterion is scored 1-5. A dimension's score is the mean of its scored criteria; the
overall score is the weighted mean of the scored dimensions. The reading follows the
overall score, and a key dimension (weight above 1) under 2.5 holds it back to at best
"ready with conditions": a pilot should not start on a missing legal basis or no hosting.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.i18n import N_
from companion.pilot.templates import FeasibilityTemplate

READY, CONDITIONS, NOT_YET, NOT_SCORED = "ready", "conditions", "not_yet", "not_scored"
READINGS = {
    READY: N_("Ready"),
    CONDITIONS: N_("Ready with conditions"),
    NOT_YET: N_("Not yet ready"),
    NOT_SCORED: N_("Not scored yet"),
}
READY_FROM, CONDITIONS_FROM, KEY_DIMENSION_FLOOR = 3.75, 2.75, 2.5


@dataclass(frozen=True)
class DimensionScore:
    dimension_id: str
    score: float | None  # 1..5, None when no criterion is scored
    scored: int
    criteria: int
    weight: float


@dataclass(frozen=True)
class Readiness:
    dimensions: tuple[DimensionScore, ...]
    overall: float | None
    reading: str
    weak_dimensions: tuple[str, ...]  # scored under the key-dimension floor, weakest first

    @property
    def percent(self) -> float | None:
        """The overall score on a 0-100 % scale (1 → 0 %, 5 → 100 %)."""
        return None if self.overall is None else (self.overall - 1) / 4 * 100


def readiness(template: FeasibilityTemplate, scores: dict[str, int | None],
              weights: dict[str, float] | None = None) -> Readiness:
    """``scores``: criterion id → 1..5 (or None); ``weights``: dimension id → weight overrides."""
    weights = weights or {}
    dimensions = []
    for dimension in template.dimensions:
        values = [scores[c.id] for c in dimension.criteria if scores.get(c.id) is not None]
        mean = sum(values) / len(values) if values else None
        dimensions.append(DimensionScore(dimension.id, mean, len(values), len(dimension.criteria),
                                         float(weights.get(dimension.id, dimension.weight))))
    scored = [d for d in dimensions if d.score is not None and d.weight > 0]
    total_weight = sum(d.weight for d in scored)
    overall = sum(d.score * d.weight for d in scored) / total_weight if total_weight else None
    weak = tuple(d.dimension_id for d in sorted(scored, key=lambda d: d.score) if d.score < KEY_DIMENSION_FLOOR)
    if overall is None:
        reading = NOT_SCORED
    elif overall >= READY_FROM:
        reading = READY
    elif overall >= CONDITIONS_FROM:
        reading = CONDITIONS
    else:
        reading = NOT_YET
    if reading == READY and any(d.weight > 1 and d.score < KEY_DIMENSION_FLOOR for d in scored):
        reading = CONDITIONS
    return Readiness(tuple(dimensions), overall, reading, weak)
