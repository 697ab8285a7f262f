"""The spoken exam keeps the opening's promise: "I'll warn you at 80% and move on when it runs
out". The real graph and the real models on a file; the session's clock and the interviewer's
both run on the file's own time, so a minute's budget passes in a second or two."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.session import ExamSession
from agent.settings import load_settings
from agent.voice_face import VoiceFace
from voice.audio import read_wav_at
from voice.config import VoiceConfig
from voice.conversation import Conversation, Models
from voice.measure import activity
from voice.ports import FileAudioPort
from voice.recordings import Answer, VoiceBank, make_recording

BUDGET_S = 60.0  # the warm-up section set to one minute


class FileTime:
    """The session's clock: the file's time (the exam's timers run as the file plays)."""

    def __init__(self, port: FileAudioPort) -> None:
        self.port = port

    def now(self) -> float:
        return 1000.0 + self.port.frame_time()

    def wall(self) -> datetime:
        return datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def models() -> Models:
    return Models.load(VoiceConfig())


def _exam(models, path, out):  # noqa: ANN001, ANN202
    settings = load_settings()
    settings.timers.section_minutes["warmup"] = BUDGET_S / 60
    port = FileAudioPort(path, out)
    session = ExamSession.start(
        settings, ["warmup.constraints"], mode="voice", clock=FileTime(port)
    )
    conv = Conversation(port, models, VoiceConfig())
    captions: list[tuple[str, float]] = []

    class Captions:
        def write(self, text: str) -> None:
            if text.strip():
                captions.append((text.strip(), port.frame_time()))

        def flush(self) -> None:
            pass

    face = VoiceFace(session, conv, captions=Captions(), now=port.frame_time)
    return session, conv, face, captions


def _said_at(captions, words: str) -> float:
    return next(t for text, t in captions if words in text)


def test_a_silent_candidate_is_warned_then_the_interviewer_moves_on(models, tmp_path):
    rec = make_recording(tmp_path / "silent.wav", "piper-slow", [], tail_s=75.0, bank=VoiceBank())
    session, conv, face, captions = _exam(models, rec.path, tmp_path / "out.wav")
    result = face.run()
    conv.close()
    # At 80% of the minute: how long is left. At the minute: time is up, and on to the debrief.
    assert 48.0 <= _said_at(captions, "left for this question") < 50.0
    assert 60.0 <= _said_at(captions, "Time is up on this one") < 62.0
    assert result.finished and session.finished
    session.close()
    # Both were said aloud, not only captioned.
    out = activity(read_wav_at(tmp_path / "out.wav"))
    assert out[int(48.5 / 0.01)] or out[int(49.0 / 0.01)]
    assert out[int(60.8 / 0.01)] or out[int(61.2 / 0.01)]


def test_an_answer_that_runs_past_the_budget_is_scored_and_the_prompt_closed(models, tmp_path):
    """No follow-up after it: the budget covers the follow-ups too."""
    said = [
        "I would pin down the latency budget and the privacy limits first.",
        "Then the traffic shape, and what the cost ceiling is for each request.",
        "I would also ask which languages and accents we must support.",
    ]
    rec = make_recording(
        tmp_path / "late.wav",
        "piper-slow",
        [Answer(52.0, said, [0.4, 0.4])],
        tail_s=20.0,
        bank=VoiceBank(),
    )
    session, conv, face, captions = _exam(models, rec.path, tmp_path / "out.wav")
    result = face.run()
    conv.close()
    # The answer is scored and the prompt closed at once: no follow-up question after it.
    texts = [text for text, _ in captions]
    up = next(i for i, t in enumerate(texts) if "Time is up on this one" in t)
    answered = next(i for i, t in enumerate(texts) if t.startswith("you: "))
    assert answered < up
    assert not any(t.endswith("?") for t in texts[answered + 1 : up])
    assert result.finished
    turns = session.store.turns(session.session_id)
    session.close()
    # One turn, scored: no follow-up was drawn (none is in the transcript, unasked).
    assert len(turns) == 1 and "latency budget" in turns[0].candidate.lower()
    assert turns[0].scorecard is not None and turns[0].scorecard["score"] > 0
