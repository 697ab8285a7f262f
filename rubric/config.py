"""Settings the rubric room needs, as plain pydantic models (the agent composes them)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LLMConfig(BaseModel):
    """Which LLM judges and drafts follow-ups. An empty model means the offline path."""

    model: str = ""
    api_base: str = ""
    api_key_env: str = ""
    timeout_s: float = 30.0
    max_retries: int = 2
    temperature: float = 0.0

    @property
    def enabled(self) -> bool:
        return bool(self.model.strip())


class ScoringConfig(BaseModel):
    strong: int = 75
    adequate: int = 55
    weak: int = 30
    red_flag_penalty: int = 10
    max_answer_chars: int = 20000


class SandboxLimits(BaseModel):
    """Caps on one run of untrusted candidate code."""

    cpu_seconds: int = 10
    wall_seconds: int = 20
    memory_mb: int = 512
    max_processes: int = 16
    max_open_files: int = 64
    max_file_mb: int = 8
    max_output_kb: int = 256
    generated_examples: int = 200
    generated_seed: int = 1234
    complexity_sizes: list[int] = Field(default_factory=lambda: [1000, 10000, 100000])
