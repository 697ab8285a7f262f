"""Settings the voice room needs (the agent composes them into the program's settings)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class VoiceConfig(BaseModel):
    input_device: str = ""
    output_device: str = ""
    # The rate the sound card runs at; the pipeline hears and speaks 16 kHz, and a card at
    # another rate is resampled as it goes. A card that refuses it runs at its own rate.
    sample_rate: int = Field(default=16000, ge=8000, le=384000)
    asr_model: str = ""
    asr_device: str = "cpu"
    asr_compute_type: str = "int8"
    asr_beam_size: int = Field(default=1, ge=1, le=10)
    # The stored transcript (the whole answer, transcribed while "Okay." plays): a wider beam
    # costs ~25% more and cuts tiny.en's word errors on unfamiliar voices by a third.
    asr_final_beam_size: int = Field(default=5, ge=1, le=10)
    asr_threads: int = Field(default=2, ge=0)  # 0: CTranslate2 picks
    # Take the room's steady noise (a fan, traffic) out of an answer before the stored
    # transcript is made: fewer lost words in noise, no change in a quiet room.
    asr_denoise: bool = True
    tts_voice: str = ""
    # Piper's pace: 0.8 speaks faster, 1.25 slower (0 or less would be silence).
    tts_length_scale: float = Field(default=1.0, ge=0.3, le=3.0)
    vad_threshold: float = Field(default=0.5, gt=0.0, lt=1.0)
    # Other people talking nearby (a café, an open office): once the room is heard to hold
    # speech, only speech this many dB above it is the candidate's (voice/near_talker.py).
    ignore_background_talk: bool = True
    background_talk_margin_db: float = Field(default=5.0, ge=0.0)
    # Silence after a finished sentence that ends the turn; a candidate who goes on after longer
    # pauses raises it (their pause + 150 ms), up to max_end_of_turn_silence_ms.
    end_of_turn_silence_ms: int = Field(default=750, ge=100, le=10000)
    max_end_of_turn_silence_ms: int = Field(default=900, ge=100, le=10000)
    unfinished_turn_silence_ms: int = Field(default=2000, ge=100, le=30000)
    # An "unfinished" turn is judged again on the full-window transcript after this much silence.
    review_silence_ms: int = Field(default=800, ge=100, le=30000)
    # After a turn ends on a finished sentence ("Okay." plays), the floor stays open this long
    # from the end of speech: a candidate who goes on after a thinking pause continues the same
    # answer. The reply (scored question) waits for it; "that's my answer" or Enter skip it.
    continuation_grace_ms: int = Field(default=1500, ge=0, le=10000)
    # A turn of only "Hmm, good question." or "Okay, let me think." is not an answer: the
    # interviewer waits this long in silence for it, then says "Take your time." and goes on
    # listening (those words go in front of the answer).
    thinking_silence_ms: int = Field(default=5000, ge=0, le=60000)
    # Dead silence after a question (nothing said, not even thinking aloud): after this long
    # the interviewer checks in once ("Take your time. If you'd like the question again, just
    # ask."). Not at a coding prompt, where the candidate writes code in silence. 0: never.
    check_in_silence_ms: int = Field(default=30000, ge=0, le=600000)
    # A sound card's microphone that has sent only digital silence since the session began
    # (muted, or not the one in use): after this much silence after a question the interviewer
    # says it hears nothing from it, once (and one line names the device). 0: never. Not on a
    # --mic-file, whose silence is the recording's own.
    silent_mic_check_ms: int = Field(default=8000, ge=0, le=600000)
    min_barge_in_ms: int = Field(default=96, ge=0, le=2000)
    # A barge-in this short ("sorry, could you repeat?") before the question was fully asked is
    # not the answer: the interviewer finishes the question.
    interjection_max_words: int = Field(default=6, ge=0, le=30)
    # Such an interjection, a finished sentence ("Yeah.", "Sorry, could you repeat that?"), ends
    # after this much silence, with no "Okay." and no floor held open: the interviewer goes on
    # at once. Longer than the pauses inside an answer (up to ~0.45 s).
    interjection_silence_ms: int = Field(default=550, ge=0, le=10000)
    end_phrases: list[str] = Field(
        default_factory=lambda: [
            "that's my answer",
            "that's my final answer",
            "i'm done",
            "i'm finished",
            "that's all",
            "that's all i have",
            "all i have",
            "that's all i've got",
            "that's everything",
        ]
    )
    # How late the interviewer's own voice may reach the mic through a loudspeaker: ~100 ms on a
    # laptop, more through Bluetooth speakers (raise it if the interviewer interrupts itself).
    echo_max_delay_ms: int = Field(default=300, ge=50, le=2000)
    keep_audio: bool = False
