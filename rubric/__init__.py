"""Scoring: retrieval, the offline scorer, the LLM judge, red flags and the code runner."""

# Scorer names load lazily: agent.settings imports rubric.config on every command, and the
# scorer pulls in numpy, chromadb and onnxruntime.
_LAZY = {
    "Scorecard": "rubric.scorecard",
    "EmptyAnswerError": "rubric.scoring",
    "score_answer": "rubric.scoring",
    "missed_criteria": "rubric.scoring",
    "assess": "rubric.scoring",
    "ensure_index": "rubric.scoring",
    "bench_score": "rubric.bench",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rubric' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = sorted(_LAZY)
