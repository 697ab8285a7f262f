"""The exam as validated data. Everything else reads the exam through these names."""

from .loader import BankError, bundled_bank_dir, coverage_problems, load_bank, load_bank_dir
from .models import (
    RED_FLAG_IDS,
    SIGNAL_TITLES,
    Bank,
    CodingTask,
    Criterion,
    Prompt,
    RedFlag,
    Section,
    TestCase,
    UnknownPromptError,
)

__all__ = [
    "RED_FLAG_IDS",
    "SIGNAL_TITLES",
    "Bank",
    "BankError",
    "CodingTask",
    "Criterion",
    "Prompt",
    "RedFlag",
    "Section",
    "TestCase",
    "UnknownPromptError",
    "bundled_bank_dir",
    "coverage_problems",
    "load_bank",
    "load_bank_dir",
]
