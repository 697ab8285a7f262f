"""A sound card at another rate than the pipeline's 16 kHz: which rate it is opened at, and the
resampling of its blocks as they pass (real soxr; the card is a stand-in that only answers
which rates it takes, the one thing that cannot exist on these machines)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from voice.audio import FRAME_SAMPLES, PIPELINE_RATE
from voice.ports import (
    AudioDeviceUnavailable,
    RateBridge,
    SoundDevicePort,
    card_rates,
    device_id,
)


class Card:
    """What sounddevice says of a card that takes only some rates."""

    def __init__(self, rates: set[int], default_out: int = 48000, default_in: int = 48000):
        self.rates, self.defaults = rates, {"output": default_out, "input": default_in}
        self.fails_to_open: set[int] = set()  # rates it takes, yet will not start a stream at
        self.opened_at: int | None = None
        self.closed: list[int] = []

    def _check(self, device=None, samplerate=None, **_) -> None:  # noqa: ANN001
        if samplerate not in self.rates:
            raise RuntimeError("Invalid sample rate [PaErrorCode -9997]")

    check_input_settings = check_output_settings = _check

    apis = {"input": 0, "output": 0}

    def query_devices(self, device=None, kind=None) -> dict | list:  # noqa: ANN001
        if kind is None:
            return [self.query_devices(kind="input"), self.query_devices(kind="output")]
        rate = float(self.defaults[kind])
        return {"name": f"card {kind}", "hostapi": self.apis[kind], "default_samplerate": rate}

    def query_hostapis(self, index: int) -> dict:
        return {"name": ("MME", "Windows WASAPI")[index]}

    def Stream(self, samplerate, **_):  # noqa: ANN001, ANN201, N802 (sounddevice's name)
        card = self

        class Stream:
            def start(self) -> None:
                if samplerate in card.fails_to_open:
                    raise RuntimeError("Device unavailable [PaErrorCode -9985]")
                card.opened_at = samplerate

            def close(self) -> None:
                card.closed.append(samplerate)

        return Stream()


@pytest.mark.parametrize(
    ("card", "wanted", "chosen"),
    [
        (Card({16000, 44100, 48000}), 16000, 16000),  # the pipeline's rate, untouched
        (Card({44100, 48000}, default_out=44100), 16000, 44100),  # a WASAPI device: its own
        (Card({48000}, default_out=44100, default_in=44100), 16000, 48000),  # a common one
        (Card({16000, 48000}), 48000, 48000),  # asked for in the settings
        (Card({16000}, 16000, 16000), 96000, 16000),  # asked for and refused: its default
    ],
)
def test_a_card_is_opened_at_a_rate_it_takes(card, wanted, chosen):
    assert card_rates(card, (None, None), wanted)[0] == chosen


def test_a_card_that_takes_no_rate_says_which_were_tried():
    with pytest.raises(AudioDeviceUnavailable, match="takes none of 16000, 22050, 48000, 44100 Hz"):
        card_rates(Card(set(), default_out=22050, default_in=22050), (None, None), 16000)


def _tone(seconds: float, rate: int, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def _off_the_sine(audio: np.ndarray, rate: int, hz: float = 440.0) -> float:
    """How far audio strays from the best-fitting sine at hz: a click, a dropped or repeated
    stretch, or a drift in rate would each stand out."""
    t = np.arange(audio.size) / rate
    basis = np.stack([np.sin(2 * np.pi * hz * t), np.cos(2 * np.pi * hz * t)], axis=1)
    fit, *_ = np.linalg.lstsq(basis, audio, rcond=None)
    return float(np.abs(audio - basis @ fit).max())


@pytest.mark.parametrize("card_rate", [44100, 48000])
def test_a_card_at_another_rate_plays_and_hears_the_pipelines_audio_seamlessly(card_rate):
    """A tone played through the bridge comes out of the card at the card's rate, block by block,
    and the card's microphone hearing it gives the same tone back at 16 kHz: no clicks at the
    joins, no drift, nothing lost."""
    bridge = RateBridge(card_rate)
    tone = _tone(2.048, PIPELINE_RATE)  # 64 frames
    frames = iter(tone.reshape(-1, FRAME_SAMPLES))
    block = round(FRAME_SAMPLES * card_rate / PIPELINE_RATE)
    played = np.concatenate([bridge.speaker_block(block, lambda: next(frames)) for _ in range(55)])
    steady = played[card_rate // 10 : -card_rate // 10]  # past the filters' first moments
    assert _off_the_sine(steady, card_rate) < 0.01
    # Heard back: whole frames at 16 kHz, as many as the card's samples hold.
    heard = [
        frame
        for i in range(0, played.size, block)
        for frame in bridge.mic_frames(played[i : i + block])
    ]
    assert all(frame.size == FRAME_SAMPLES for frame in heard)
    expected = played.size * PIPELINE_RATE / card_rate
    assert abs(len(heard) * FRAME_SAMPLES - expected) <= 2 * FRAME_SAMPLES
    back = np.concatenate(heard)
    assert _off_the_sine(back[PIPELINE_RATE // 5 : -PIPELINE_RATE // 10], PIPELINE_RATE) < 0.01
    assert abs(np.abs(back[PIPELINE_RATE // 5 :]).max() - 0.5) < 0.02  # at the level it was played


@pytest.mark.parametrize(
    ("setting", "device"),
    [
        ("", None),
        ("  ", None),
        ("3", 3),
        (" 12 ", 12),
        ("USB Audio", "USB Audio"),
        ("hw:1,0", "hw:1,0"),
    ],
)
def test_a_device_is_named_by_its_listed_index_or_a_part_of_its_name(setting, device):
    """`python -m sounddevice` lists devices by index: "3" is device 3, not a name with a 3."""
    assert device_id(setting) == device


def test_a_microphone_and_speaker_on_different_host_apis_say_so():
    """Windows lists each device under MME, DirectSound and WASAPI; one stream cannot take a
    microphone from one and a speaker from another."""
    card = Card({16000})
    card.apis = {"input": 1, "output": 0}
    with pytest.raises(AudioDeviceUnavailable, match="different host APIs") as err:
        card_rates(card, (None, None), 16000)
    assert "card input, Windows WASAPI" in str(err.value) and "card output, MME" in str(err.value)


def test_a_rate_that_will_not_open_is_passed_over_for_the_next(monkeypatch):
    """A card can pass the rate check yet refuse to start a stream at that rate (a driver that
    checks only on start, a device held in exclusive mode): the next rate it takes is tried, so
    the exam is spoken rather than falling back to text."""
    card = Card({16000, 48000})
    card.fails_to_open = {16000}
    monkeypatch.setitem(sys.modules, "sounddevice", card)
    port = SoundDevicePort(card_rate=16000)
    port.start()
    assert (card.opened_at, port.card_rate, card.closed) == (48000, 48000, [16000])
    assert port._bridge is not None  # its blocks are resampled to the pipeline's 16 kHz


def test_a_card_that_opens_at_no_rate_says_why_for_each(monkeypatch):
    card = Card({16000, 48000})
    card.fails_to_open = {16000, 48000}
    monkeypatch.setitem(sys.modules, "sounddevice", card)
    with pytest.raises(AudioDeviceUnavailable) as err:
        SoundDevicePort(card_rate=16000).start()
    message = str(err.value)
    assert message.startswith("cannot open the sound card (16000 Hz: Device unavailable")
    assert "; 48000 Hz: Device unavailable" in message and "\n" not in message
