"""The exam as validated data: sections, prompts, criteria, red flags and coding tasks."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Signal = Literal["rnd_judgment", "system_design", "production_operations", "coding"]
PromptKind = Literal["spoken", "coding"]

RED_FLAG_IDS: tuple[str, ...] = (
    "aggregate_only_metrics",
    "no_rollback",
    "mixed_batch_interactive_without_deadlines",
    "no_slice_analysis",
    "requests_private_raw_data",
    "untested_code",
    "prompt_injection",
)

SIGNAL_TITLES: dict[str, str] = {
    "rnd_judgment": "R&D judgment",
    "system_design": "System design",
    "production_operations": "Production operations",
    "coding": "Coding",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Strict):
    """One point an examiner checks for, cut from the strong answer."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    statement: str = Field(min_length=5)
    weight: float = Field(gt=0, le=10)
    # Phrases of the strong answer that show the point (bank check: at least one must occur there).
    cues: list[str] = Field(min_length=1)
    # Ways a candidate might say the same thing in other words.
    paraphrases: list[str] = Field(default_factory=list)
    # The follow-up the interviewer asks when the point is missed.
    probe: str = Field(min_length=5)
    # A harder follow-up for a candidate who already covered the point (trade-off, number, failure mode).
    deepen: str = ""


class TestCase(_Strict):
    """A hidden test: positional arguments and the expected return value, as plain JSON data."""

    __test__ = False  # not a pytest class

    name: str = Field(min_length=1)
    args: list[Any]
    expected: Any
    note: str = ""


class CodingTask(_Strict):
    function: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    signature: str
    # The seed's solution, verbatim; the yardstick for generated tests and complexity.
    reference_solution: str
    tests: list[TestCase] = Field(min_length=1)
    # Compare floats with this absolute tolerance (0 means exact).
    float_tolerance: float = 1e-9
    # The function must not change its arguments.
    no_mutation: bool = True
    # How a returned value is compared with the expected one (rubric implements each):
    # "exact" (floats within float_tolerance) or a task-specific name such as "top_k"
    # that accepts every answer the prompt allows (ties in any order, unordered lists).
    comparator: str = "exact"
    # Which generator in rubric makes inputs for property tests and complexity timing.
    generator: str = ""

    @field_validator("signature")
    @classmethod
    def _signature_is_def(cls, value: str) -> str:
        if not value.lstrip().startswith("def "):
            raise ValueError("must start with 'def '")
        return value


class Prompt(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    section: str
    kind: PromptKind
    title: str
    # Scenario the prompt belongs to (read before the prompt when it is the first of its scenario).
    scenario: str = ""
    # What the interviewer says.
    text: str = Field(min_length=10)
    # The seed's hidden strong answer, verbatim (for coding prompts: invariant, tests and code).
    strong_answer: str = Field(min_length=10)
    criteria: list[Criterion] = Field(min_length=1)
    # Red flags most likely on this prompt (all flags are checked on every answer).
    red_flags: list[str] = Field(default_factory=list)
    coding: CodingTask | None = None

    @model_validator(mode="after")
    def _coding_matches_kind(self) -> Prompt:
        if self.kind == "coding" and self.coding is None:
            raise ValueError("coding: a coding prompt needs a 'coding' block")
        if self.kind == "spoken" and self.coding is not None:
            raise ValueError("coding: only coding prompts have a 'coding' block")
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criteria: criterion ids must be unique")
        for flag in self.red_flags:
            if flag not in RED_FLAG_IDS:
                raise ValueError(f"red_flags: unknown red flag {flag!r}")
        return self

    def criterion(self, criterion_id: str) -> Criterion:
        for crit in self.criteria:
            if crit.id == criterion_id:
                return crit
        raise KeyError(criterion_id)


class Section(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    signal: Signal
    minutes: float = Field(gt=0)
    intro: str = ""
    prompts: list[str] = Field(min_length=1)


class RedFlag(_Strict):
    id: str
    title: str
    description: str
    # Sentences that show the flag; the offline detector compares answers against these.
    examples: list[str] = Field(min_length=1)
    # Sentences that look close but are fine (what a strong answer says instead).
    counter_examples: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in RED_FLAG_IDS:
            raise ValueError(f"unknown red flag {value!r}; known: {', '.join(RED_FLAG_IDS)}")
        return value


class Bank(_Strict):
    title: str
    description: str
    sections: list[Section]
    prompts: list[Prompt]
    red_flags: list[RedFlag]
    # Content hash of the bank files, recorded in every scorecard and transcript.
    version: str

    @property
    def prompt_ids(self) -> list[str]:
        return [p.id for p in self.prompts]

    def prompt(self, prompt_id: str) -> Prompt:
        for prompt in self.prompts:
            if prompt.id == prompt_id:
                return prompt
        raise UnknownPromptError(prompt_id, self.prompt_ids)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def section_of(self, prompt_id: str) -> Section:
        return self.section(self.prompt(prompt_id).section)

    def red_flag(self, flag_id: str) -> RedFlag:
        for flag in self.red_flags:
            if flag.id == flag_id:
                return flag
        raise KeyError(flag_id)

    def select(self, prompt_ids: list[str] | None) -> list[Prompt]:
        """The chosen prompts in exam order; unknown ids raise UnknownPromptError."""
        if not prompt_ids:
            return list(self.prompts)
        for pid in prompt_ids:
            self.prompt(pid)
        wanted = set(prompt_ids)
        return [p for p in self.prompts if p.id in wanted]


class UnknownPromptError(KeyError):
    def __init__(self, prompt_id: str, valid: list[str]) -> None:
        super().__init__(prompt_id)
        self.prompt_id = prompt_id
        self.valid = valid

    def __str__(self) -> str:
        return f"unknown prompt id {self.prompt_id!r}; valid ids: {', '.join(self.valid)}"
