"""The answer key a synthetic study ships (`truth.json`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class CaseTruth:
    case_id: str
    achieves: bool
    activities: list[str]
    improved_domains: list[str]
    worsened_domains: list[str]
    dissonant_themes: list[str]
    supporters: int


@dataclass
class Truth:
    study_id: str
    seed: int
    n_cases: int
    counts: dict[str, int] = field(default_factory=dict)
    cases: list[CaseTruth] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
