"""The four figures of issue 4 on our labelled set and on a held-out set never tuned on."""

from __future__ import annotations

import pytest
from scorer_support import FIXTURES, shared_index_dir

from question_bank import load_bank
from rubric.evaluate import evaluate


@pytest.mark.parametrize("name", ["labelled_answers.jsonl", "heldout_answers.jsonl"])
def test_scorer_meets_the_targets(name, tmp_path_factory):
    report = evaluate(
        FIXTURES / name, bank=load_bank(), index_dir=shared_index_dir(tmp_path_factory)
    )
    summary = {
        k: report[k]
        for k in (
            "pairwise",
            "verdict_agreement",
            "red_flag_recall",
            "red_flag_precision",
            "attacks_held",
        )
    }
    print(name, summary)
    assert report["answers"] >= (40 if name.startswith("labelled") else 16)
    assert report["pairwise"] >= 0.90, report["wrong_pairs"]
    assert report["red_flag_recall"] >= 0.85, report["flag_errors"]
    assert report["red_flag_precision"] >= 0.85, report["flag_errors"]
    assert report["attacks_all_held"], report["failed_attacks"]


def test_labelled_set_covers_every_prompt_and_attack_kind():
    from scorer_support import labelled

    rows = list(labelled().values())
    bank = load_bank()
    for pid in bank.prompt_ids:
        assert sum(1 for r in rows if r["prompt_id"] == pid) >= 5, pid
    assert {r.get("attack") for r in rows} >= {"injection", "stuffing", "padding"}
