"""Audio ports: where mic frames come from and where the interviewer's voice goes.

Every port shares one device timeline (samples at 16 kHz since start): mic frame k covers
samples [512k, 512k+512), and audio handed to play() is scheduled on the same timeline, after
whatever is already queued. That is what makes --record-output sample-aligned with --mic-file.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .audio import (
    FRAME_SAMPLES,
    PIPELINE_RATE,
    AudioFileError,
    check_writable,
    fit_length,
    read_wav,
    resample,
    write_wav,
)
from .clock import Clock, WallClock


class AudioDeviceUnavailable(Exception):
    """No PortAudio, no sound card, or the named device cannot be opened."""


@dataclass
class _Segment:
    start: int
    samples: np.ndarray
    tag: Any


@dataclass
class Unplayed:
    """Audio dropped by stop_playback: the piece that was cut and the ones never started."""

    tag: Any
    samples: np.ndarray
    played: int = 0  # samples of it heard before the cut

    @property
    def started(self) -> bool:
        """The piece that was cut mid-way (the others never began)."""
        return self.played > 0


class PlaybackSchedule:
    """The interviewer's audio laid on the device timeline; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._segments: list[_Segment] = []
        self._end = 0
        self.keep_history = True
        self._history: list[_Segment] = []

    def play(self, samples: np.ndarray, tag: Any, now: int) -> int:
        with self._lock:
            start = max(now, self._end)
            seg = _Segment(start, np.asarray(samples, dtype=np.float32), tag)
            self._segments.append(seg)
            self._end = start + seg.samples.size
            return start

    def stop(self, now: int) -> list[Unplayed]:
        """Cut everything at `now`; what was played stays in the history."""
        dropped: list[Unplayed] = []
        with self._lock:
            for seg in self._segments:
                end = seg.start + seg.samples.size
                if end <= now:
                    self._archive(seg)
                    continue
                played = max(0, now - seg.start)
                dropped.append(Unplayed(seg.tag, seg.samples[played:], played))
                if played:
                    self._archive(_Segment(seg.start, seg.samples[:played], seg.tag))
            self._segments = []
            self._end = min(self._end, now)
        return dropped

    def _archive(self, seg: _Segment) -> None:
        if self.keep_history:
            self._history.append(seg)

    def _collect(self, now: int) -> None:
        keep = []
        for seg in self._segments:
            if seg.start + seg.samples.size <= now:
                self._archive(seg)
            else:
                keep.append(seg)
        self._segments = keep

    def is_playing(self, now: int) -> bool:
        with self._lock:
            return now < self._end

    def end(self) -> int:
        with self._lock:
            return self._end

    def tag_at(self, now: int) -> Any:
        with self._lock:
            for seg in self._segments:
                if seg.start <= now < seg.start + seg.samples.size:
                    return seg.tag
        return None

    def render(self, start: int, n: int) -> np.ndarray:
        """What the speaker outputs for samples [start, start+n) (the sound card callback)."""
        out = np.zeros(n, dtype=np.float32)
        with self._lock:
            for seg in self._segments:
                a = max(start, seg.start)
                b = min(start + n, seg.start + seg.samples.size)
                if a < b:
                    out[a - start : b - start] += seg.samples[a - seg.start : b - seg.start]
            self._collect(start + n)
        return out

    def render_all(self, n: int) -> np.ndarray:
        """The whole timeline, [0, n) (the file device at close)."""
        out = np.zeros(n, dtype=np.float32)
        with self._lock:
            for seg in self._history + self._segments:
                a, b = seg.start, min(n, seg.start + seg.samples.size)
                if a < b:
                    out[a:b] += seg.samples[: b - a]
        return out


class AudioPort(Protocol):
    sample_rate: int

    def start(self) -> None: ...

    def read_frame(self) -> np.ndarray | None:
        """The next 512-sample mic frame (blocks until it is heard); None when input ended."""
        ...

    def frame_time(self) -> float:
        """Device time (s) of the start of the next frame read_frame returns."""
        ...

    def now(self) -> float:
        """Device time (s) now: where the speaker's playhead is."""
        ...

    def play(self, samples: np.ndarray, tag: Any = None) -> float:
        """Queue audio after what is queued; returns its device start time."""
        ...

    def stop_playback(self) -> list[Unplayed]: ...

    def is_playing(self) -> bool: ...

    def playing_until(self) -> float: ...

    def reference(self, start: float, n: int) -> np.ndarray:
        """What the speaker played over [start, start + n samples) (for echo handling)."""
        ...

    def close(self) -> None: ...


class FileAudioPort:
    """A WAV file as the microphone, a WAV file as the speaker.

    realtime=True consumes the input at wall-clock speed (how latency is measured from outside);
    realtime=False runs as fast as the pipeline can, and device time is simply how much input has
    been read (tests: deterministic, no sleeping).
    """

    def __init__(
        self,
        mic_file: str | Path,
        record_output: str | Path | None = None,
        *,
        realtime: bool = False,
        clock: Clock | None = None,
    ) -> None:
        audio, self._in_rate = read_wav(mic_file)
        self._in_len = audio.size
        self._mic = resample(audio, self._in_rate, PIPELINE_RATE)
        self._out_path = Path(record_output) if record_output else None
        if self._out_path is not None:
            check_writable(self._out_path)
        self.realtime = realtime
        # Fast runs: model work takes no device time, so results do not depend on CPU load.
        self.deterministic = not realtime
        self._clock = clock or WallClock()
        self.sample_rate = PIPELINE_RATE
        self._schedule = PlaybackSchedule()
        self._frames_read = 0
        self._t0: float | None = None
        self._closed = False

    @property
    def mic_audio(self) -> np.ndarray:
        return self._mic

    def start(self) -> None:
        if self._t0 is None:
            self._t0 = self._clock.now()

    def _now_sample(self) -> int:
        read_pos = self._frames_read * FRAME_SAMPLES
        if not self.realtime or self._t0 is None:
            return read_pos
        return max(read_pos, int((self._clock.now() - self._t0) * PIPELINE_RATE))

    def read_frame(self) -> np.ndarray | None:
        self.start()
        k = self._frames_read
        a, b = k * FRAME_SAMPLES, (k + 1) * FRAME_SAMPLES
        if b > self._mic.size:
            return None
        if self.realtime:
            assert self._t0 is not None
            self._clock.sleep_until(self._t0 + b / PIPELINE_RATE)
        self._frames_read += 1
        # The VAD needs a writable buffer.
        return self._mic[a:b].copy()

    def frame_time(self) -> float:
        return self._frames_read * FRAME_SAMPLES / PIPELINE_RATE

    def now(self) -> float:
        return self._now_sample() / PIPELINE_RATE

    def play(self, samples: np.ndarray, tag: Any = None) -> float:
        return self._schedule.play(samples, tag, self._now_sample()) / PIPELINE_RATE

    def stop_playback(self) -> list[Unplayed]:
        return self._schedule.stop(self._now_sample())

    def is_playing(self) -> bool:
        return self._schedule.is_playing(self._now_sample())

    def playing_until(self) -> float:
        return self._schedule.end() / PIPELINE_RATE

    def reference(self, start: float, n: int) -> np.ndarray:
        s = int(start * PIPELINE_RATE)
        return self._schedule.render_all(s + n)[s:]

    def recorded(self) -> tuple[np.ndarray, np.ndarray]:
        """(what the mic heard, what the speaker played), 16 kHz, for --keep-audio."""
        return self._mic, self.output_audio()

    def output_audio(self) -> np.ndarray:
        """The speaker's timeline at 16 kHz, as long as the mic input."""
        return self._schedule.render_all(self._mic.size)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._out_path is None:
            return
        out = resample(self.output_audio(), PIPELINE_RATE, self._in_rate)
        try:
            write_wav(self._out_path, fit_length(out, self._in_len), self._in_rate)
        except OSError as exc:  # checked at the start; a full disk can still fail here
            raise AudioFileError(f"{self._out_path}: cannot write ({exc.strerror or exc})") from exc


PLAYED_HISTORY_BLOCKS = 1024  # ~33 s of what the speaker played
# Rates a card that refuses 16 kHz is tried at, after its own default rate.
COMMON_CARD_RATES = (48000, 44100)


def device_id(setting: str) -> int | str | None:
    """A device setting as sounddevice takes it: None for the default, the index that
    `python -m sounddevice` lists for a number, else a part of the device's name."""
    setting = setting.strip()
    if not setting:
        return None
    return int(setting) if setting.isdigit() else setting


def _input_name(sd: Any, mic: int | str | None) -> str:
    """The microphone's name as the system lists it ("" if it cannot say)."""
    try:
        return str(sd.query_devices(mic, "input")["name"])
    except Exception:
        return ""


def card_rates(
    sd: Any, devices: tuple[int | str | None, int | str | None], wanted: int
) -> list[int]:
    """The rates to try opening the card at, best first: the wanted one where both devices take
    it, then the output's default rate, the input's, and common ones (many USB and Windows
    WASAPI devices run only at 44.1 or 48 kHz). sd: the sounddevice module."""
    mic, speaker = devices

    def takes(rate: float) -> bool:
        try:
            sd.check_input_settings(device=mic, samplerate=rate, channels=1, dtype="float32")
            sd.check_output_settings(device=speaker, samplerate=rate, channels=1, dtype="float32")
        except Exception:  # PortAudioError, or ValueError for a device that is not there
            return False
        return True

    candidates, apis = [wanted], {}
    for device, kind in ((speaker, "output"), (mic, "input")):
        try:
            info = sd.query_devices(device, kind)
        except Exception as exc:
            name = f" {device}" if device is not None else ""
            raise AudioDeviceUnavailable(f"no {kind} device{name} ({exc})") from exc
        candidates.append(int(info["default_samplerate"]))
        apis[kind] = (info.get("name", ""), info.get("hostapi", 0))
    if apis["input"][1] != apis["output"][1]:
        # One duplex stream cannot span two host APIs (Windows lists each device under MME,
        # DirectSound and WASAPI); PortAudio would say only "Illegal combination of I/O devices".
        names = {k: sd.query_hostapis(api)["name"] for k, (_, api) in apis.items()}
        raise AudioDeviceUnavailable(
            f"the microphone ({apis['input'][0]}, {names['input']}) and the speaker "
            f"({apis['output'][0]}, {names['output']}) are on different host APIs: name both "
            "from one in `python -m sounddevice`"
        )
    candidates = list(dict.fromkeys([*candidates, *COMMON_CARD_RATES]))  # in order, once each
    taken = [rate for rate in candidates if takes(rate)]
    if not taken:
        raise AudioDeviceUnavailable(
            f"the sound card takes none of {', '.join(str(r) for r in candidates)} Hz"
        )
    return taken


class RateBridge:
    """A card running at another rate than the pipeline's 16 kHz: what the mic hears is
    resampled down and what the speaker plays is resampled up, block by block. soxr's streams
    keep their filters' state across blocks, so the joins are seamless; its low-latency quality
    delays each way by about a millisecond."""

    def __init__(self, card_rate: int) -> None:
        import soxr

        self._down = soxr.ResampleStream(card_rate, PIPELINE_RATE, 1, dtype="float32", quality="LQ")
        self._up = soxr.ResampleStream(PIPELINE_RATE, card_rate, 1, dtype="float32", quality="LQ")
        self._heard = np.zeros(0, dtype=np.float32)  # 16 kHz, short of a whole frame
        self._to_play = np.zeros(0, dtype=np.float32)  # card rate, rendered but not yet played

    def mic_frames(self, block: np.ndarray) -> list[np.ndarray]:
        """The whole 16 kHz frames the mic's block completes."""
        heard = np.concatenate([self._heard, self._down.resample_chunk(block.astype(np.float32))])
        n = heard.size // FRAME_SAMPLES
        self._heard = heard[n * FRAME_SAMPLES :]
        return [heard[i * FRAME_SAMPLES : (i + 1) * FRAME_SAMPLES] for i in range(n)]

    def speaker_block(self, n: int, render: Callable[[], np.ndarray]) -> np.ndarray:
        """n samples at the card's rate; render() gives the next 16 kHz frame to play."""
        out = self._to_play
        while out.size < n:
            out = np.concatenate([out, self._up.resample_chunk(render())])
        self._to_play = out[n:]
        return out[:n]


class SoundDevicePort:
    """The default (or a named) microphone and speaker through PortAudio, one duplex stream."""

    def __init__(
        self, input_device: str = "", output_device: str = "", card_rate: int = PIPELINE_RATE
    ) -> None:
        """card_rate: the rate to run the card at. A card that refuses it runs at its own
        default rate or a common one (self.card_rate says which); the pipeline hears and plays
        16 kHz either way."""
        try:
            import sounddevice as sd
        except OSError as exc:  # PortAudio library not found
            raise AudioDeviceUnavailable(f"no PortAudio ({exc})") from exc
        self._sd = sd
        try:
            devices = sd.query_devices()
        except Exception as exc:
            raise AudioDeviceUnavailable(f"cannot list sound devices ({exc})") from exc
        if len(devices) == 0:
            raise AudioDeviceUnavailable("no sound card found")
        self._device = (device_id(input_device), device_id(output_device))
        self._rates = card_rates(sd, self._device, card_rate)
        self.mic_name = _input_name(sd, self._device[0])
        self.card_rate = self._rates[0]
        # A card at another rate: its blocks are resampled to and from 16 kHz as they pass.
        self._bridge: RateBridge | None = None
        self._rendered = 0  # 16 kHz frames rendered for the speaker (the bridge's timeline)
        self.sample_rate = PIPELINE_RATE
        self._schedule = PlaybackSchedule()
        self._schedule.keep_history = False
        self._mic: list[np.ndarray] = []
        self._cond = threading.Condition()
        self._frames_out = 0  # frames the callback has produced (device time)
        self._frames_read = 0
        self._stream: Any = None
        self._t_frames = 0
        self.keep_audio = False
        self._kept_mic: list[np.ndarray] = []
        self._kept_out: list[np.ndarray] = []
        # What the speaker played, for the echo gate: a ring of PLAYED_HISTORY_BLOCKS blocks.
        # Long, because the listening loop can run seconds behind the card while models load.
        self._played = np.zeros(PLAYED_HISTORY_BLOCKS * FRAME_SAMPLES, dtype=np.float32)

    def start(self) -> None:
        if self._stream is not None:
            return
        # A rate both devices said they take can still fail to open (a driver that checks only
        # when the stream starts, a device held by another program in exclusive mode): the next
        # rate is tried before giving up.
        failures = []
        for rate in self._rates:
            self.card_rate = rate
            self._bridge = RateBridge(rate) if rate != PIPELINE_RATE else None
            stream = None
            try:
                stream = self._sd.Stream(
                    samplerate=rate,
                    blocksize=round(FRAME_SAMPLES * rate / PIPELINE_RATE),
                    channels=1,
                    dtype="float32",
                    device=self._device,
                    callback=self._callback,
                    latency="low",
                )
                stream.start()
            except Exception as exc:
                failures.append(f"{rate} Hz: {exc}")
                if stream is not None:
                    with contextlib.suppress(Exception):
                        stream.close()
                continue
            self._stream = stream
            return
        raise AudioDeviceUnavailable(f"cannot open the sound card ({'; '.join(failures)})")

    def _callback(self, indata, outdata, frames, time_info, status) -> None:  # noqa: ANN001
        if self._bridge is None:
            outdata[:, 0] = self._render_frame()  # the stream's blocks are frames
            heard = [indata[:, 0].copy()]
        else:
            outdata[:, 0] = self._bridge.speaker_block(frames, self._render_frame)
            heard = self._bridge.mic_frames(indata[:, 0])
        if self.keep_audio:
            self._kept_mic.extend(heard)
        with self._cond:
            self._mic.extend(heard)
            # The device timeline is what the speaker has rendered: a sound handed to play()
            # starts after it, never inside what a resampler already holds.
            self._t_frames = self._rendered
            self._cond.notify_all()

    def _render_frame(self) -> np.ndarray:
        """The speaker's next 32 ms at 16 kHz, noted for the echo gate."""
        start = self._rendered * FRAME_SAMPLES
        block = self._schedule.render(start, FRAME_SAMPLES)
        at = start % self._played.size
        self._played[at : at + FRAME_SAMPLES] = block  # the ring is a whole number of frames
        if self.keep_audio:
            self._kept_out.append(block)
        self._rendered += 1
        return block

    def read_frame(self) -> np.ndarray | None:
        self.start()
        with self._cond:
            while not self._mic:
                if not self._cond.wait(timeout=2.0):
                    return None  # the device stopped delivering audio
            frame = self._mic.pop(0)
        self._frames_read += 1
        if frame.size != FRAME_SAMPLES:
            frame = fit_length(frame, FRAME_SAMPLES)
        return frame

    def frame_time(self) -> float:
        return self._frames_read * FRAME_SAMPLES / PIPELINE_RATE

    def _now_sample(self) -> int:
        with self._cond:
            return self._t_frames * FRAME_SAMPLES

    def now(self) -> float:
        return self._now_sample() / PIPELINE_RATE

    def play(self, samples: np.ndarray, tag: Any = None) -> float:
        # One block ahead of the playhead: the callback renders a whole block at a time.
        return self._schedule.play(samples, tag, self._now_sample() + FRAME_SAMPLES) / PIPELINE_RATE

    def stop_playback(self) -> list[Unplayed]:
        return self._schedule.stop(self._now_sample() + FRAME_SAMPLES)

    def is_playing(self) -> bool:
        return self._schedule.is_playing(self._now_sample())

    def playing_until(self) -> float:
        return self._schedule.end() / PIPELINE_RATE

    def reference(self, start: float, n: int) -> np.ndarray:
        s = int(start * PIPELINE_RATE)
        now = self._now_sample()
        # Only what was played, and still in the ring; the rest is silence.
        a, b = max(s, now - self._played.size + FRAME_SAMPLES), min(s + n, now)
        out = np.zeros(n, dtype=np.float32)
        if a < b:
            idx = np.arange(a, b) % self._played.size
            out[a - s : b - s] = self._played[idx]
        return out

    def recorded(self) -> tuple[np.ndarray, np.ndarray]:
        if not self._kept_mic:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32)
        return np.concatenate(self._kept_mic), np.concatenate(self._kept_out)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None
