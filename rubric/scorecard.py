"""The scorecard: what `interviewer score --json` prints and what transcripts store."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["met", "partial", "missed"]
Verdict = Literal["strong", "adequate", "weak", "failing"]
VERDICTS: tuple[str, ...] = ("failing", "weak", "adequate", "strong")


class CriterionResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    status: Status
    # A span quoted verbatim from the answer, or "" when nothing in the answer shows it.
    evidence: str = ""


class RedFlagHit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    evidence: str


class Versions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bank: str
    index: str
    scorer: str


class Scorecard(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, description="echoed from --answers-jsonl")
    prompt_id: str
    score: int = Field(ge=0, le=100)
    verdict: Verdict
    criteria: list[CriterionResult]
    red_flags: list[RedFlagHit] = Field(default_factory=list)
    feedback: str
    scorer: str
    versions: Versions

    def to_json(self) -> dict:
        """The CONTRACTS.md shape; `id` only when there is one."""
        data = self.model_dump(mode="json")
        if data.get("id") is None:
            data.pop("id", None)
        return data

    def status_of(self, criterion_id: str) -> str:
        for crit in self.criteria:
            if crit.id == criterion_id:
                return crit.status
        raise KeyError(criterion_id)


def verdict_for(score: float, strong: int, adequate: int, weak: int) -> Verdict:
    if score >= strong:
        return "strong"
    if score >= adequate:
        return "adequate"
    if score >= weak:
        return "weak"
    return "failing"


def cap_verdict(verdict: Verdict, ceiling: Verdict) -> Verdict:
    if VERDICTS.index(verdict) > VERDICTS.index(ceiling):
        return ceiling
    return verdict
