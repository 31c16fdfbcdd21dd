"""Placeholder: topic rules (issue 3) are being written; this keeps config importable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class TopicsConfig(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
