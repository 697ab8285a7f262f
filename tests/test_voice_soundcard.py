"""The spoken exam through PortAudio: `interviewer voice` on a sound card, in real time.

There is no sound card on these machines, so the card is ALSA's `file` plugin, declared in the
test's own ~/.asoundrc: PortAudio lists it like any device, the speaker's samples land in a
file, and the microphone reads a named pipe that this test feeds at the card's pace (32 ms per
block). Everything above ALSA is what a user runs: sounddevice, the duplex stream callback, the
echo gate, Silero VAD, faster-whisper and Piper. The feeder also plays the room: what the
speaker played comes back into the microphone 64 ms later at half level, as with a laptop's
loudspeaker, so the interviewer must not take its own voice for the candidate's.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from voice.audio import FRAME_SAMPLES, PIPELINE_RATE, resample
from voice.measure import word_error_rate
from voice.recordings import VoiceBank, _trim, noise

MIC, SPEAKER = "interviewer_mic", "interviewer_speaker"
# Two PCMs: the file plugin also copies what it captures into its output file.
ASOUNDRC = """
pcm.{mic_device} {{
    type plug
    slave {{
        pcm {{ type file; slave.pcm "null"; file "/dev/null"; infile "{mic}"; format "raw" }}
        format S16_LE
        rate {rate}
        channels 1
    }}
}}
pcm.{speaker_device} {{
    type plug
    slave {{
        pcm {{ type file; slave.pcm "null"; file "{speaker}"; format "raw" }}
        format S16_LE
        rate {rate}
        channels 1
    }}
}}
"""
ANSWER = [
    "Before drawing boxes I would clarify the product constraints and the traffic shape.",
    "I would also ask about the latency budget and the cost ceiling.",
]
CUT_IN = "Sorry, let me add one thing: the privacy limits decide where the model can run."
ECHO_DELAY_BLOCKS = 2
ECHO_GAIN = 0.5
CARD_BUFFER_BLOCKS = 2  # how far the card's playback may trail what it has written


def _samples(raw: bytes) -> np.ndarray:
    """The card's S16_LE bytes as float samples."""
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768


class Room:
    """Feeds the card's microphone pipe in real time: the candidate, room noise, and echo."""

    def __init__(self, mic: Path, speaker: Path, *, echo: bool, rate: int = PIPELINE_RATE) -> None:
        self.mic, self.speaker, self.echo, self.rate = mic, speaker, echo, rate
        self.block = FRAME_SAMPLES * rate // PIPELINE_RATE  # 32 ms at the card's rate
        self.block_bytes = self.block * 2  # S16_LE
        self._say: deque[np.ndarray] = deque()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.echoed_blocks = 0  # blocks of the speaker's audio the microphone picked up
        self.muted = False  # the microphone sends digital silence, as a muted input does
        self.fed_blocks = 0  # blocks the card has read since it was opened for the exam
        self._thread = threading.Thread(target=self._run, name="room", daemon=True)
        self._thread.start()

    def say(self, audio: np.ndarray) -> int:
        """Queue the candidate's words; returns the speaker sample they start at."""
        with self._lock:
            start = (self.fed_blocks + len(self._say)) * self.block
            for i in range(0, audio.size, self.block):
                block = np.zeros(self.block, dtype=np.float32)
                part = audio[i : i + self.block]
                block[: part.size] = part
                self._say.append(block)
        return start

    @property
    def speaking(self) -> bool:
        with self._lock:
            return bool(self._say)

    def speaker_audio(self) -> np.ndarray:
        if not self.speaker.exists():
            return np.zeros(0, dtype=np.float32)
        raw = self.speaker.read_bytes()
        return _samples(raw[: len(raw) // 2 * 2])

    def _played_since(self, pos: int) -> tuple[bytes, int]:
        """What the card has written to the speaker from byte pos on, in whole blocks, and the
        position after it (from the start again when the card reopened the file)."""
        try:
            with open(self.speaker, "rb") as f:
                if f.seek(0, os.SEEK_END) < pos:
                    pos = 0
                f.seek(pos)
                raw = f.read()
        except FileNotFoundError:
            return b"", 0
        raw = raw[: len(raw) // self.block_bytes * self.block_bytes]
        return raw, pos + len(raw)

    def _played_by(self, fed: int, pos: int) -> tuple[bytes, int]:
        """_played_since(pos), once the card has played up to CARD_BUFFER_BLOCKS short of the
        fed-th block. A card's microphone and speaker share its clock: the feed does not run
        ahead of what it has played (on a busy machine the pipe filled up, and the echo came back
        seconds late, which no room does)."""
        raw = b""
        deadline = time.monotonic() + 0.5  # past it, the card has stopped (the exam is over)
        while True:
            more, pos = self._played_since(pos)
            raw += more
            caught_up = fed - pos // self.block_bytes <= CARD_BUFFER_BLOCKS
            if caught_up or self._stop.is_set() or time.monotonic() > deadline:
                return raw, pos
            time.sleep(0.002)

    def stop(self) -> None:
        self._stop.set()
        # A feeder waiting in open() for the card is let go by a reader that comes and goes.
        os.close(os.open(self.mic, os.O_RDONLY | os.O_NONBLOCK))
        self._thread.join(timeout=5)

    def _run(self) -> None:
        # Each open of the card opens the pipe (PortAudio opens it to list it, then to stream);
        # open() blocks until then, and a closed card breaks the pipe: wait for the next open.
        while not self._stop.is_set():
            fd = os.open(self.mic, os.O_WRONLY)
            try:
                self._feed(fd)
            except BrokenPipeError:
                pass
            finally:
                os.close(fd)

    def _feed(self, fd: int) -> None:
        hiss = noise(self.rate * 60, -50.0, seed=3)
        start, fed = time.monotonic(), 0
        # The echo follows what the card has played, ECHO_DELAY_BLOCKS later. The speaker file is
        # not aligned block for block with this feed (the output starts a block or two late and
        # is written in bursts; read by index, a block not yet written was silently no echo at
        # all), so it is read as it grows and played back one block per block fed.
        played, line = 0, deque()
        while not self._stop.is_set():
            with self._lock:
                block = self._say.popleft() if self._say else np.zeros(self.block, np.float32)
            at = (fed * self.block) % (hiss.size - self.block)
            block = block + hiss[at : at + self.block]
            if self.echo:
                raw, played = self._played_by(fed, played)
                for k in range(0, len(raw), self.block_bytes):
                    line.append((fed, _samples(raw[k : k + self.block_bytes])))
                while len(line) > ECHO_DELAY_BLOCKS + CARD_BUFFER_BLOCKS:
                    line.popleft()  # a burst (the output's first fill) played late, not forever
                if line and line[0][0] <= fed - ECHO_DELAY_BLOCKS:
                    echo = line.popleft()[1]
                    block = block + ECHO_GAIN * echo
                    self.echoed_blocks += int(np.abs(echo).max() > 0.05)
            if self.muted:
                block = np.zeros_like(block)
            os.write(fd, (np.clip(block, -1, 1) * 32767).astype("<i2").tobytes())
            fed += 1
            self.fed_blocks = fed
            delay = start + fed * self.block / self.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)


def _speech_then_quiet(audio: np.ndarray, quiet_s: float, rate: int = PIPELINE_RATE) -> bool:
    """The speaker said something and has been quiet for quiet_s since."""
    n = int(quiet_s * rate)
    return audio.size > n and np.abs(audio).max() > 0.05 and np.abs(audio[-n:]).max() < 0.01


class LongReply:
    """Watches for a long reply (a dozen words or more) to be well under way on the speaker."""

    def __init__(self, captions: list[str], room: Room) -> None:
        self.captions, self.room = captions, room
        self.mark: int | None = None  # the speaker's length when the reply was captioned

    def under_way(self) -> bool:
        spoken = self.room.speaker_audio()
        if self.mark is None:
            after = self.captions[
                next(i for i, c in enumerate(self.captions) if c.startswith("you:")) :
            ]
            if any(c.startswith("interviewer:") and len(c.split()) > 12 for c in after):
                self.mark = spoken.size
            return False
        loud = np.flatnonzero(np.abs(spoken[self.mark :]) > 0.05)
        # Talking now, and for 0.8 s already: past any short "Okay." before it.
        return (
            loud.size > 0
            and spoken.size - self.mark - loud[0] > 0.8 * PIPELINE_RATE
            and np.abs(spoken[-PIPELINE_RATE // 5 :]).max() > 0.05
        )


def _wait(condition, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _card(tmp_path: Path, rate: int, alsa_rate: str = ""):
    """A home whose ALSA configuration has the file-backed card at rate, and the room it plays
    in: (the environment to run the exam in, the room). alsa_rate: what ALSA's plug converts
    to ("unchanged": the rate the card is opened at, which then has to be rate)."""
    home = tmp_path / "home"
    home.mkdir()
    mic, speaker = tmp_path / "mic.pipe", tmp_path / "speaker.raw"
    os.mkfifo(mic)
    (home / ".asoundrc").write_text(
        ASOUNDRC.format(
            speaker=speaker, mic=mic, mic_device=MIC, speaker_device=SPEAKER, rate=alsa_rate or rate
        )
    )
    env = dict(os.environ, HOME=str(home))
    # Before anything opens the card: open() waits for it.
    room = Room(mic, speaker, echo=True, rate=rate)
    probe = subprocess.run(
        [sys.executable, "-c", "import sounddevice as sd; print(sd.query_devices())"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if probe.returncode != 0 and "PortAudio library not found" in probe.stderr:
        room.stop()
        pytest.skip("PortAudio is not installed (apt install libportaudio2)")
    assert MIC in probe.stdout and SPEAKER in probe.stdout, probe.stdout + probe.stderr
    env.update(INTERVIEWER_VOICE__INPUT_DEVICE=MIC, INTERVIEWER_VOICE__OUTPUT_DEVICE=SPEAKER)
    return env, room


@pytest.fixture
def card(tmp_path):
    env, room = _card(tmp_path, PIPELINE_RATE)
    yield env, room
    room.stop()


@pytest.fixture
def card_48k(tmp_path):
    """The same card running at 48 kHz, as many USB and Windows (WASAPI) devices do. ALSA does
    not convert: opened at any other rate, the room would hear it three times too fast or slow."""
    env, room = _card(tmp_path, 48000, "unchanged")
    env.update(INTERVIEWER_VOICE__SAMPLE_RATE="48000")
    yield env, room
    room.stop()


# `python -m agent`, with Ctrl+C raising KeyboardInterrupt as in a terminal. A suite started as a
# background job of a script (no job control) runs with SIGINT ignored, the exam inherited
# that, and _pause's Ctrl+C went unheard: the exam ran on until the test timed out.
_WITH_CTRL_C = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('agent', run_name='__main__', alter_sys=True)"
)


@contextlib.contextmanager
def _exam(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen, list[str]]]:
    """`interviewer voice` on the warm-up question, with its captions read as they come; killed
    if it is still running when the test is done with it."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _WITH_CTRL_C, "voice", "--prompts", "warmup.constraints"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    captions: list[str] = []
    reader = threading.Thread(
        target=lambda: captions.extend(iter(proc.stdout.readline, "")), daemon=True
    )
    reader.start()
    try:
        yield proc, captions
    finally:
        if proc.poll() is None:
            proc.kill()
        reader.join(timeout=5)


def _pause(proc: subprocess.Popen) -> str:
    """Ctrl+C, as the candidate would: the session is stored and paused. Its stderr."""
    proc.send_signal(signal.SIGINT)
    return proc.communicate(timeout=60)[1]


def test_the_exam_runs_on_a_sound_card_with_a_loudspeaker_in_the_room(card, tmp_path):
    env, room = card
    voices = VoiceBank()
    answer = _trim(voices.speak("espeak-us-f", " ".join(ANSWER)))
    cut_in = _trim(voices.speak("espeak-us-f", CUT_IN))
    with _exam(env) as (proc, captions):
        # The interviewer asks through the speaker; the candidate answers once it is quiet.
        _wait(lambda: _speech_then_quiet(room.speaker_audio(), 1.0), 90, "the question")
        room.say(answer)
        _wait(lambda: any(c.startswith("you:") for c in captions), 60, "the answer's transcript")
        # The answer is acknowledged aloud, through the card, after the candidate stopped.
        asked = room.speaker_audio().size
        _wait(lambda: not room.speaking, 30, "the answer to be spoken")
        _wait(
            lambda: np.abs(room.speaker_audio()[asked:]).max(initial=0) > 0.05,
            60,
            "the interviewer's reply",
        )
        # The candidate talks over the interviewer's next long sentence: it stops and listens.
        _wait(LongReply(captions, room).under_way, 60, "a long reply")
        onset = room.say(cut_in)
        _wait(lambda: sum(c.startswith("you:") for c in captions) >= 2, 60, "the cut-in's words")
        err = _pause(proc)
    assert proc.returncode == 3, err
    assert "falling back" not in err and "headphones recommended" in err
    # How to end a turn and skip is said once; Enter only where the terminal can send it.
    assert '"that\'s my answer" ends your turn' in err and "Enter" not in err
    session_id = err.strip().splitlines()[-1].removeprefix("paused: ")

    # Its own voice, echoed back by the room, was never taken for the candidate's.
    assert room.echoed_blocks > 30
    heard = [c.removeprefix("you:").strip() for c in captions if c.startswith("you:")]
    assert len(heard) == 2, captions
    words = heard[0].lower()
    assert "constraints" in words and "cost ceiling" in words, heard
    assert "architecture box" not in words
    # Cut in on, the interviewer fell silent within a moment and let the candidate finish.
    assert word_error_rate(CUT_IN, heard[1]) <= 0.35, heard  # espeak through tiny.en
    spoken = room.speaker_audio()
    assert np.abs(spoken[onset : onset + cut_in.size]).max() > 0.05  # it was talking
    assert np.abs(spoken[onset + PIPELINE_RATE // 2 : onset + cut_in.size]).max() < 0.02
    export = subprocess.run(
        [sys.executable, "-m", "agent", "export", session_id, "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    turns = json.loads(export.stdout)["turns"]
    answered = [t for t in turns if t.get("candidate")]
    assert answered and word_error_rate(" ".join(ANSWER), answered[0]["candidate"]) <= 0.35
    assert {"vad_end_of_turn", "asr_final"} <= set(answered[0]["timing"])
    # Nothing of the audio is stored unless asked.
    home = Path(env["INTERVIEWER_HOME"])
    assert not list(home.rglob("*.wav"))


def test_a_muted_microphone_is_told_of_and_heard_once_unmuted(card):
    """The card's microphone sends digital silence (muted): after the question and 8 s of
    silence the interviewer says it hears nothing from it, and a line names the device. The
    candidate unmutes and answers: heard as usual."""
    from agent.voice_face import MIC_SILENT

    env, room = card
    room.muted = True
    answer = _trim(VoiceBank().speak("espeak-us-f", " ".join(ANSWER)))
    with _exam(env) as (proc, captions):
        try:
            _wait(lambda: any(MIC_SILENT in c for c in captions), 120, "the muted notice")
        except AssertionError:
            raise AssertionError(f"{captions}\n{_pause(proc)}") from None
        room.muted = False
        _wait(lambda: _speech_then_quiet(room.speaker_audio(), 1.0), 30, "the notice to end")
        room.say(answer)
        _wait(lambda: any(c.startswith("you:") for c in captions), 60, "the answer's transcript")
        err = _pause(proc)
    assert proc.returncode == 3, err
    told = [line for line in err.splitlines() if "muted" in line]
    assert len(told) == 1 and MIC in told[0], err
    heard = [c.removeprefix("you:").strip() for c in captions if c.startswith("you:")]
    assert len(heard) == 1 and word_error_rate(" ".join(ANSWER), heard[0]) <= 0.35, heard
    assert sum(MIC_SILENT in c for c in captions) == 1


def test_the_exam_runs_on_a_card_at_48_khz(card_48k):
    """The card runs at 48 kHz: the question plays at its own pace and pitch, and the answer is
    heard whole (resampled to and from the pipeline's 16 kHz as the blocks pass)."""
    env, room = card_48k
    rate = room.rate
    answer = _trim(VoiceBank().speak("espeak-us-f", " ".join(ANSWER)))
    with _exam(env) as (proc, captions):
        _wait(lambda: _speech_then_quiet(room.speaker_audio(), 1.0, rate), 90, "the question")
        question = room.speaker_audio()
        room.say(resample(answer, PIPELINE_RATE, rate))
        _wait(lambda: any(c.startswith("you:") for c in captions), 60, "the answer's transcript")
        _wait(lambda: not room.speaking, 30, "the answer to be spoken")
        asked = room.speaker_audio().size
        _wait(
            lambda: np.abs(room.speaker_audio()[asked:]).max(initial=0) > 0.05,
            60,
            "the interviewer's reply",
        )
        err = _pause(proc)
    assert proc.returncode == 3, err
    assert "falling back" not in err and "resampling" not in err, err
    # Spoken at a talker's pace: played at the wrong rate it would be three times too fast or
    # too slow.
    first_answer = next(i for i, c in enumerate(captions) if c.startswith("you:"))
    asked = [
        c.split(maxsplit=1)[1] for c in captions[:first_answer] if c.startswith("interviewer:")
    ]
    loud = np.flatnonzero(np.abs(question) > 0.05)
    spoken_s = (loud[-1] - loud[0]) / rate
    words_per_s = sum(len(c.split()) for c in asked) / spoken_s
    assert 1.2 <= words_per_s <= 4.5, (asked, spoken_s)
    heard = [c.removeprefix("you:").strip() for c in captions if c.startswith("you:")]
    assert len(heard) == 1, captions
    assert word_error_rate(" ".join(ANSWER), heard[0]) <= 0.35, heard
