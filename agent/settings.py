"""The program's settings: config/default.toml < user file < INTERVIEWER_* environment variables."""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from rubric.config import LLMConfig, SandboxLimits, ScoringConfig
from voice.config import VoiceConfig

ENV_PREFIX = "INTERVIEWER_"


class ExamConfig(BaseModel):
    bank_path: str = ""
    max_follow_ups: int = 2
    strong_score: int = 80


class TimerConfig(BaseModel):
    warn_fraction: float = 0.8
    section_minutes: dict[str, float] = Field(default_factory=dict)


class SettingsError(Exception):
    """A settings file that cannot be read or does not validate."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid"
    )

    llm: LLMConfig = Field(default_factory=LLMConfig)
    exam: ExamConfig = Field(default_factory=ExamConfig)
    timers: TimerConfig = Field(default_factory=TimerConfig)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)
    sandbox: SandboxLimits = Field(default_factory=SandboxLimits)
    voice: VoiceConfig = Field(default_factory=VoiceConfig)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # init carries the merged TOML files; the environment wins over them.
        return (env_settings, init_settings)

    def digest(self) -> str:
        """A short hash of the effective settings, recorded in every transcript."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]


def data_home() -> Path:
    """Where everything the program writes at run time lives."""
    env = os.environ.get("INTERVIEWER_HOME", "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("interviewer", appauthor=False))


def default_toml_text() -> str:
    return resources.files("interviewer_config").joinpath("default.toml").read_text("utf-8")


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read settings file ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from exc


def load_settings(config_path: str | Path | None = None) -> Settings:
    """Merge defaults, the user's file (or --config) and the environment."""
    layers = tomllib.loads(default_toml_text())
    user_file = Path(config_path) if config_path else data_home() / "config.toml"
    if config_path or user_file.is_file():
        layers = _deep_merge(layers, _read_toml(user_file))
    try:
        return Settings(**layers)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise SettingsError(f"settings: {where}: {err['msg']}") from exc
