"""The examiner's face for its faces: one ExamSession that the CLI, the TUI and the voice loop drive.

The LangGraph graph (agent/graph.py) does the work; this class hides the interrupt/resume
plumbing so a face only ever does: read `pending`, show or say `utterances`, `submit` an answer.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

UtteranceKind = Literal[
    "intro",  # welcome and exam shape, timers
    "ack",  # acknowledgement of the candidate's answer
    "prompt",  # a main question (scenario + prompt text)
    "follow_up",  # a probe on a missed criterion, or a harder one
    "code_result",  # the runner's results read back
    "feedback",  # short feedback when a prompt closes
    "reveal",  # the strong answer, only after the candidate answered
    "time",  # time warnings and "time is up on this one"
    "notice",  # fallbacks (LLM unreachable, offline scorer used)
    "debrief",  # the end-of-exam summary
]


class Utterance(BaseModel):
    """One thing the interviewer says or shows, in order."""

    kind: UtteranceKind
    text: str
    prompt_id: str | None = None
    # Structured payload for faces that render more than text (scorecard, run result, debrief).
    data: dict[str, Any] | None = None
    # False for text that is shown but not read aloud by the voice face (long reveals, code).
    speak: bool = True


class Pending(BaseModel):
    """The question waiting for the candidate's answer."""

    prompt_id: str
    kind: Literal["prompt", "follow_up"]
    text: str
    section: str
    signal: str
    is_coding: bool = False
    # For coding prompts: the function signature to prefill the editor with.
    signature: str | None = None
    budget_s: float
    elapsed_s: float = 0.0
    follow_up_index: int = 0


class Reply(BaseModel):
    """What submitting an answer produced: what to say now, and what is asked next."""

    utterances: list[Utterance] = Field(default_factory=list)
    pending: Pending | None = None
    finished: bool = False
