"""Settings the voice room needs (the agent composes them into the program's settings)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class VoiceConfig(BaseModel):
    input_device: str = ""
    output_device: str = ""
    sample_rate: int = 16000
    asr_model: str = ""
    asr_device: str = "cpu"
    asr_compute_type: str = "int8"
    asr_beam_size: int = 1
    # The stored transcript (the whole answer, transcribed while "Okay." plays): a wider beam
    # costs ~25% more and cuts tiny.en's word errors on unfamiliar voices by a third.
    asr_final_beam_size: int = 5
    asr_threads: int = 2
    # Take the room's steady noise (a fan, traffic) out of an answer before the stored
    # transcript is made: fewer lost words in noise, no change in a quiet room.
    asr_denoise: bool = True
    tts_voice: str = ""
    tts_length_scale: float = 1.0
    vad_threshold: float = 0.5
    # Other people talking nearby (a café, an open office): once the room is heard to hold
    # speech, only speech this many dB above it is the candidate's (voice/near_talker.py).
    ignore_background_talk: bool = True
    background_talk_margin_db: float = Field(default=5.0, ge=0.0)
    # Silence after a finished sentence that ends the turn; a candidate who goes on after longer
    # pauses raises it (their pause + 150 ms), up to max_end_of_turn_silence_ms.
    end_of_turn_silence_ms: int = 750
    max_end_of_turn_silence_ms: int = 900
    unfinished_turn_silence_ms: int = 2000
    # An "unfinished" turn is judged again on the full-window transcript after this much silence.
    review_silence_ms: int = 800
    # After a turn ends on a finished sentence ("Okay." plays), the floor stays open this long
    # from the end of speech: a candidate who goes on after a thinking pause continues the same
    # answer. The reply (scored question) waits for it; "that's my answer" or Enter skip it.
    continuation_grace_ms: int = 1500
    # A turn of only "Hmm, good question." or "Okay, let me think." is not an answer: the
    # interviewer waits this long in silence for it, then says "Take your time." and goes on
    # listening (those words go in front of the answer).
    thinking_silence_ms: int = 5000
    min_barge_in_ms: int = 96
    # A barge-in this short ("sorry, could you repeat?") before the question was fully asked is
    # not the answer: the interviewer finishes the question.
    interjection_max_words: int = 6
    # Such an interjection, a finished sentence ("Yeah.", "Sorry, could you repeat that?"), ends
    # after this much silence, with no "Okay." and no floor held open: the interviewer goes on
    # at once. Longer than the pauses inside an answer (up to ~0.45 s).
    interjection_silence_ms: int = 550
    end_phrases: list[str] = Field(
        default_factory=lambda: ["that's my answer", "that is my answer", "i'm done", "that's all"]
    )
    # How late the interviewer's own voice may reach the mic through a loudspeaker: ~100 ms on a
    # laptop, more through Bluetooth speakers (raise it if the interviewer interrupts itself).
    echo_max_delay_ms: int = Field(default=300, ge=50, le=2000)
    keep_audio: bool = False
