"""Start-up stays fast: the command line loads no heavy library until a command needs it."""

from __future__ import annotations

import subprocess
import sys

HEAVY = [
    "litellm",
    "chromadb",
    "faster_whisper",
    "ctranslate2",
    "piper",
    "onnxruntime",
    "textual",
    "langgraph",
    "sounddevice",
    "hypothesis",
    "numpy",
]


def test_help_and_bank_list_import_no_heavy_library():
    code = (
        "import sys\n"
        "from agent.cli import main\n"
        "for argv in (['bank', 'list', '--json'], ['config', 'show']):\n"
        "    main(argv)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_interviewer_help_lists_the_contract_commands():
    out = subprocess.run(
        [sys.executable, "-m", "agent", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in (
        "practice",
        "voice",
        "score",
        "run-code",
        "sessions",
        "export",
        "review",
        "bank",
        "config",
        "bench",
    ):
        assert command in out
