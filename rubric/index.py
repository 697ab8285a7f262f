"""The retrieval index: a persistent Chroma collection of what "met" looks like for each criterion.

Entries per prompt: criterion statements, cues and paraphrases, labelled example sentences
(positive and negative, from rubric/assets/criterion_examples.yaml), and the strong answer's
sentences; plus the red-flag examples and counter-examples for every prompt ("*"). Built on
first use, rebuilt when the bank, the examples or the embedding model change; its version goes
into every scorecard.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .embedder import MODEL_NAME, get_embedder
from .text import split_units

COLLECTION = "rubric_passages"
SCHEMA = "3"  # bump when the layout of entries changes
ALL_PROMPTS = "*"

_lock = threading.Lock()
_clients: dict[str, Any] = {}
_ready: dict[str, str] = {}  # index_dir -> version known to be current in this process
_refs: dict[tuple[str, str, str], References] = {}


@dataclass
class References:
    """One prompt's entries, loaded from Chroma once per process: the scorer's yardstick."""

    texts: list[str]
    kinds: list[str]  # criterion | example | negative | strong | flag | counter
    owners: list[str]  # criterion id, red-flag id, or "" for strong-answer sentences
    vectors: np.ndarray  # (n, 384), L2-normalised


def _examples_text() -> str:
    return resources.files("rubric").joinpath("assets/criterion_examples.yaml").read_text("utf-8")


def criterion_examples() -> dict[str, dict[str, dict[str, list[str]]]]:
    """prompt id -> criterion id -> {"met": [...], "not_met": [...]}."""
    data = yaml.safe_load(_examples_text()) or {}
    return data.get("prompts", {}) or {}


def index_version(bank) -> str:
    digest = hashlib.sha256()
    for part in (SCHEMA, bank.version, _examples_text(), MODEL_NAME, get_embedder().fingerprint):
        digest.update(part.encode())
    return digest.hexdigest()[:12]


def _entries(bank) -> list[tuple[str, str, str, str]]:
    """(prompt_id, kind, owner, text) for every passage the index holds."""
    examples = criterion_examples()
    rows: list[tuple[str, str, str, str]] = []
    for prompt in bank.prompts:
        pid = prompt.id
        for crit in prompt.criteria:
            rows.append((pid, "criterion", crit.id, crit.statement))
            for cue in crit.cues:
                # One-word cues ("prompt", "quality") say nothing on their own.
                if len(cue.split()) >= 2:
                    rows.append((pid, "criterion", crit.id, cue))
            for para in crit.paraphrases:
                rows.append((pid, "criterion", crit.id, para))
            ex = examples.get(pid, {}).get(crit.id, {})
            for text in ex.get("met", []) or []:
                rows.append((pid, "example", crit.id, text))
            for text in ex.get("not_met", []) or []:
                rows.append((pid, "negative", crit.id, text))
        spoken = prompt.strong_answer
        if prompt.coding:
            spoken = spoken.split("\n\n")[0]
        for unit in split_units(spoken):
            low = unit.text.lower()
            # Which criteria this sentence of the strong answer shows (by their cues).
            owners = [c.id for c in prompt.criteria if any(q.lower() in low for q in c.cues)]
            rows.append((pid, "strong", ",".join(owners), unit.text))
    for flag in bank.red_flags:
        for text in flag.examples:
            rows.append((ALL_PROMPTS, "flag", flag.id, text))
        for text in flag.counter_examples:
            rows.append((ALL_PROMPTS, "counter", flag.id, text))
    return rows


def _client(index_dir: Path):
    import chromadb
    from chromadb.config import Settings

    key = str(index_dir)
    if key not in _clients:
        index_dir.mkdir(parents=True, exist_ok=True)
        _clients[key] = chromadb.PersistentClient(
            path=key, settings=Settings(anonymized_telemetry=False)
        )
    return _clients[key]


def _collection(index_dir: Path):
    from .chroma_ef import MiniLMEmbeddingFunction

    return _client(index_dir).get_or_create_collection(
        COLLECTION,
        embedding_function=MiniLMEmbeddingFunction(),
        configuration={"hnsw": {"space": "cosine"}},
    )


def ensure_index(bank, index_dir: Path, progress: bool = True) -> str:
    """Build or rebuild the index when it is missing or stale; return its version."""
    index_dir = Path(index_dir)
    version = index_version(bank)
    with _lock:
        if _ready.get(str(index_dir)) == version:
            return version
        coll = _collection(index_dir)
        meta = coll.metadata or {}
        if meta.get("version") != version or coll.count() == 0:
            _rebuild(index_dir, bank, version, progress)
        _ready[str(index_dir)] = version
    return version


def _rebuild(index_dir: Path, bank, version: str, progress: bool) -> None:
    from tqdm import tqdm

    from .chroma_ef import MiniLMEmbeddingFunction

    client = _client(index_dir)
    # Absent on first build; chroma's error type for that varies by version.
    with contextlib.suppress(Exception):
        client.delete_collection(COLLECTION)
    coll = client.create_collection(
        COLLECTION,
        embedding_function=MiniLMEmbeddingFunction(),
        configuration={"hnsw": {"space": "cosine"}},
        metadata={"version": version, "bank": bank.version},
    )
    rows = _entries(bank)
    embedder = get_embedder()
    batch = 64
    bar = tqdm(
        total=len(rows),
        desc="building rubric index",
        unit="passage",
        file=sys.stderr,
        disable=not progress,
        leave=False,
    )
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        vecs = embedder.embed([r[3] for r in chunk])
        coll.add(
            ids=[f"p{start + i}" for i in range(len(chunk))],
            documents=[r[3] for r in chunk],
            embeddings=vecs,
            metadatas=[{"prompt_id": r[0], "kind": r[1], "owner": r[2]} for r in chunk],
        )
        bar.update(len(chunk))
    bar.close()
    for key in [k for k in _refs if k[0] == str(index_dir)]:
        del _refs[key]


def references(index_dir: Path, version: str, prompt_id: str) -> References:
    """The prompt's passages plus the red-flag passages, with their vectors, from the index."""
    key = (str(Path(index_dir)), version, prompt_id)
    with _lock:
        cached = _refs.get(key)
        if cached is not None:
            return cached
        coll = _collection(Path(index_dir))
        got = coll.get(
            where={"prompt_id": {"$in": [prompt_id, ALL_PROMPTS]}},
            include=["embeddings", "documents", "metadatas"],
        )
        metas = got["metadatas"] or []
        refs = References(
            texts=list(got["documents"] or []),
            kinds=[str(m["kind"]) for m in metas],
            owners=[str(m["owner"]) for m in metas],
            vectors=np.asarray(got["embeddings"], dtype=np.float32).reshape(-1, 384),
        )
        _refs[key] = refs
        return refs


def nearest(index_dir: Path, prompt_id: str, vectors: np.ndarray, k: int = 5) -> list[list[dict]]:
    """For each query vector, the k nearest passages of this prompt (Chroma's ANN search)."""
    if len(vectors) == 0:
        return []
    coll = _collection(Path(index_dir))
    res = coll.query(
        query_embeddings=vectors,
        n_results=k,
        where={"prompt_id": prompt_id},
        include=["documents", "metadatas", "distances"],
    )
    out: list[list[dict]] = []
    for docs, metas, dists in zip(
        res["documents"] or [], res["metadatas"] or [], res["distances"] or [], strict=False
    ):
        out.append(
            [
                {"text": d, "kind": m["kind"], "owner": m["owner"], "similarity": 1.0 - float(s)}
                for d, m, s in zip(docs, metas, dists, strict=False)
            ]
        )
    return out
