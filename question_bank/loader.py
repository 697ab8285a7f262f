"""Read a bank directory, validate it, and say exactly which file and field is wrong."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .models import Bank, Prompt, RedFlag, Section

BUNDLED = "bundled"
_M = TypeVar("_M", bound=BaseModel)


class BankError(Exception):
    """A bank that cannot be used; the message is one line naming file, prompt id and field."""


def bundled_bank_dir() -> Path:
    return Path(str(resources.files("question_bank").joinpath("data")))


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise BankError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise BankError(f"{path}:{where} not valid YAML") from exc


def _field_error(path: Path, prompt_id: str | None, exc: ValidationError) -> BankError:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or "(file)"
    who = f" prompt {prompt_id}:" if prompt_id else ""
    return BankError(f"{path}:{who} field {field}: {err['msg']}")


def _files(bank_dir: Path) -> tuple[Path, Path, list[Path]]:
    exam = bank_dir / "exam.yaml"
    flags = bank_dir / "red_flags.yaml"
    prompt_files = sorted((bank_dir / "prompts").glob("*.yaml"))
    for required in (exam, flags):
        if not required.is_file():
            raise BankError(
                f"{required}: missing (a bank needs exam.yaml, red_flags.yaml, prompts/)"
            )
    if not prompt_files:
        raise BankError(f"{bank_dir / 'prompts'}: no prompt files (*.yaml)")
    return exam, flags, prompt_files


def bank_version(bank_dir: Path) -> str:
    """Content hash of every file that makes up the bank."""
    exam, flags, prompt_files = _files(bank_dir)
    digest = hashlib.sha256()
    for path in [exam, flags, *prompt_files]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _validate_items(path: Path, key: str, items: Any, model: type[_M]) -> list[_M]:
    """Validate each item of a list field; the first bad one is named by index and field."""
    validated = []
    for i, raw in enumerate(items or []):
        try:
            validated.append(model.model_validate(raw))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise BankError(f"{path}: field {key}.{i}.{field}: {err['msg']}") from exc
    return validated


def load_bank_dir(bank_dir: Path) -> Bank:
    bank_dir = Path(bank_dir)
    if not bank_dir.is_dir():
        raise BankError(f"{bank_dir}: not a bank directory")
    exam_path, flags_path, prompt_files = _files(bank_dir)

    exam = _read_yaml(exam_path)
    if not isinstance(exam, dict):
        raise BankError(f"{exam_path}: field (file): expected a mapping")
    sections = _validate_items(exam_path, "sections", exam.get("sections"), Section)
    if not sections:
        raise BankError(f"{exam_path}: field sections: at least one section is required")

    raw_flags = _read_yaml(flags_path) or {}
    if not isinstance(raw_flags, dict):
        raise BankError(f"{flags_path}: field (file): expected a mapping")
    flags = _validate_items(flags_path, "red_flags", raw_flags.get("red_flags"), RedFlag)

    by_id: dict[str, Prompt] = {}
    for path in prompt_files:
        raw = _read_yaml(path)
        if not isinstance(raw, dict):
            raise BankError(f"{path}: field (file): expected a mapping")
        pid = raw.get("id") if isinstance(raw.get("id"), str) else None
        try:
            prompt = Prompt.model_validate(raw)
        except ValidationError as exc:
            raise _field_error(path, pid, exc) from exc
        if prompt.id in by_id:
            raise BankError(f"{path}: prompt {prompt.id}: field id: duplicate prompt id")
        by_id[prompt.id] = prompt

    ordered: list[Prompt] = []
    section_ids = {s.id for s in sections}
    for section in sections:
        for pid in section.prompts:
            if pid not in by_id:
                raise BankError(
                    f"{exam_path}: section {section.id}: field prompts: no prompt file for {pid!r}"
                )
            if by_id[pid].section != section.id:
                raise BankError(
                    f"{exam_path}: prompt {pid}: field section: prompt says {by_id[pid].section!r}, "
                    f"listed under {section.id!r}"
                )
            ordered.append(by_id[pid])
    listed = {p.id for p in ordered}
    for pid, prompt in by_id.items():
        if pid not in listed:
            where = "unknown section" if prompt.section not in section_ids else "not listed"
            raise BankError(f"{exam_path}: prompt {pid}: field section: {where} in exam.yaml")

    try:
        return Bank(
            title=str(exam.get("title", "")),
            description=str(exam.get("description", "")),
            sections=sections,
            prompts=ordered,
            red_flags=flags,
            version=bank_version(bank_dir),
        )
    except ValidationError as exc:
        raise _field_error(exam_path, None, exc) from exc


@lru_cache(maxsize=4)
def _cached(bank_dir: str) -> Bank:
    return load_bank_dir(Path(bank_dir))


def load_bank(path: str | Path | None = None) -> Bank:
    """The bundled exam, or the bank at `path` (a directory laid out like question_bank/data)."""
    target = Path(path) if path else bundled_bank_dir()
    return _cached(str(target.resolve()))


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def coverage_problems(bank: Bank) -> list[str]:
    """Criteria none of whose cues occur in their prompt's strong answer."""
    problems = []
    for prompt in bank.prompts:
        answer = _normalise(prompt.strong_answer)
        for crit in prompt.criteria:
            if not any(_normalise(cue) in answer for cue in crit.cues):
                problems.append(
                    f"prompt {prompt.id}: criterion {crit.id}: no cue occurs in the strong answer"
                )
    return problems
