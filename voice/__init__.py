"""The spoken exam: audio devices, VAD, streaming ASR and TTS, barge-in and latency telemetry."""
