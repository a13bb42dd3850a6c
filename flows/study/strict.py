"""The base of every study-file table: unknown keys are refused, values frozen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

_ID = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
