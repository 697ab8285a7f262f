"""Users with a GPU set a larger Whisper model, CUDA, or another Piper voice. A setting that
cannot work on this machine must not end the exam in a traceback: the bundled model runs, one
line says why, and the session records the model that actually ran. Real models throughout."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from voice.asr import Transcriber
from voice.audio import PIPELINE_RATE, write_wav
from voice.config import VoiceConfig
from voice.tts import Synthesizer, bundled_voice

SENTENCE = "I would freeze the rollout and compare the accent slices."


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    return Synthesizer().synthesize(SENTENCE)


def _one_line(notice: str | None) -> str:
    assert notice and "\n" not in notice
    return notice


def test_an_asr_model_that_is_not_on_this_machine_gives_way_to_tiny_en(speech):
    # faster-whisper would download "small.en"; nothing is downloaded at run time.
    asr = Transcriber(VoiceConfig(asr_model="small.en"))
    notice = _one_line(asr.notice)
    assert '"small.en" is not on this machine' in notice
    assert notice.endswith("using the bundled tiny.en on the CPU")
    assert (asr.model_name, asr.device) == ("tiny.en (bundled)", "cpu")
    assert "accent slices" in asr.transcribe(speech).lower()


def test_an_asr_model_in_the_hugging_face_cache_is_used_offline(speech, tmp_path, monkeypatch):
    """A model faster-whisper downloaded once before (here: the bundled files, filed in the
    cache as Systran/faster-whisper-tiny.en) is found by its name, with no network."""
    import huggingface_hub.constants

    from voice.whisper_load import bundled_asr_model

    snapshot = tmp_path / "models--Systran--faster-whisper-tiny.en" / "snapshots" / "0a1b2c"
    snapshot.mkdir(parents=True)
    for file in Path(bundled_asr_model()).iterdir():
        (snapshot / file.name).symlink_to(file)
    (snapshot.parents[1] / "refs").mkdir()
    (snapshot.parents[1] / "refs" / "main").write_text("0a1b2c")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))

    asr = Transcriber(VoiceConfig(asr_model="tiny.en"))
    assert asr.notice is None
    assert asr.model_name == "tiny.en"
    assert "accent slices" in asr.transcribe(speech).lower()


def test_cuda_without_a_working_gpu_gives_way_to_the_cpu(speech):
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("this machine has a CUDA device")
    asr = Transcriber(VoiceConfig(asr_device="cuda", asr_compute_type="float16"))
    notice = _one_line(asr.notice)
    assert notice.startswith("ASR on cuda (float16) failed: ")
    assert asr.device == "cpu" and asr.compute_type.startswith("int8")
    assert "accent slices" in asr.transcribe(speech).lower()


def test_a_tts_voice_that_does_not_load_gives_way_to_the_bundled_voice(tmp_path):
    missing = tmp_path / "en_US-lessac-medium.onnx"
    synth = Synthesizer(VoiceConfig(tts_voice=str(missing)))
    notice = _one_line(synth.notice)
    assert str(missing) in notice and notice.endswith("using the bundled en_US-joe-medium")
    assert synth.voice_name == "en_US-joe-medium (bundled)"
    assert synth.synthesize("Thanks.").size > PIPELINE_RATE // 4


def test_a_tts_voice_given_by_path_is_the_one_that_speaks():
    path = bundled_voice()[0]
    synth = Synthesizer(VoiceConfig(tts_voice=path))
    assert synth.notice is None and synth.voice_name == path
    assert synth.synthesize("Thanks.").size > PIPELINE_RATE // 4


def test_the_spoken_exam_says_which_model_gave_way_and_records_the_one_that_ran(
    speech, tmp_path, monkeypatch, capsys
):
    from agent.cli import main

    silence = np.zeros(PIPELINE_RATE, dtype=np.float32)
    mic = tmp_path / "in.wav"
    write_wav(mic, np.concatenate([silence, speech, silence, silence, silence]), PIPELINE_RATE)
    monkeypatch.setenv("INTERVIEWER_VOICE__ASR_MODEL", "small.en")
    argv = ["voice", "--mic-file", str(mic), "--record-output", str(tmp_path / "out.wav")]
    code = main([*argv, "--prompts", "warmup.constraints"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 3
    assert any('ASR model "small.en" is not on this machine' in line for line in err)
    session_id = err[-1].split()[1]

    assert main(["export", session_id, "--format", "json"]) == 0
    transcript = json.loads(capsys.readouterr().out)
    assert transcript["versions"]["asr_model"] == "tiny.en (bundled)"
    assert "accent slices" in (transcript["turns"][0]["candidate"] or "").lower()


def test_bench_measures_the_configured_model_and_says_when_it_gave_way(monkeypatch, capsys):
    from agent.cli import main

    monkeypatch.setenv("INTERVIEWER_VOICE__ASR_MODEL", "/nowhere/whisper-large-v3")
    assert main(["bench", "asr", "-n", "1", "--json"]) == 0
    captured = capsys.readouterr()
    figures = json.loads(captured.out)
    assert figures["model"] == "tiny.en (bundled)" and figures["device"] == "cpu"
    assert '"/nowhere/whisper-large-v3" is not on this machine' in captured.err


@pytest.mark.parametrize(
    ("key", "value"),
    [("TTS_LENGTH_SCALE", "0"), ("END_OF_TURN_SILENCE_MS", "-5"), ("VAD_THRESHOLD", "1.5")],
)
def test_a_voice_setting_that_makes_no_sense_is_refused_in_one_line(
    key, value, tmp_path, monkeypatch, capsys
):
    """A pace of 0 made the interviewer mute; a negative silence ended every turn at once."""
    from agent.cli import main

    write_wav(tmp_path / "in.wav", np.zeros(PIPELINE_RATE, dtype=np.float32), PIPELINE_RATE)
    monkeypatch.setenv(f"INTERVIEWER_VOICE__{key}", value)
    assert main(["voice", "--mic-file", str(tmp_path / "in.wav")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"voice.{key.lower()}" in err[0]


def test_a_gpu_without_cuda_12_libraries_is_told_what_is_missing():
    """What the lent H200 (a CUDA 13 image) said on the first window: the model had loaded."""
    from voice.whisper_load import _load_failure

    exc = RuntimeError("Library libcublas.so.12 is not found or cannot be loaded")
    line = _load_failure(VoiceConfig(asr_device="cuda", asr_compute_type="float16"), exc)
    assert line.startswith("ASR on cuda (float16) failed: Library libcublas.so.12 is not found")
    assert "CUDA 12's cuBLAS and cuDNN 9" in line and "\n" not in line
