"""Measure the scorer against a labelled set: the four figures issue 4 is judged by.

    python -m rubric.evaluate tests/fixtures/labelled_answers.jsonl [--verbose]

Each line: {"id", "prompt_id", "answer", "label": strong|adequate|weak|failing,
"red_flags": [...], "attack": optional injection|stuffing|padding, "base": optional id}.
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import combinations
from pathlib import Path

RANK = {"failing": 0, "weak": 1, "adequate": 2, "strong": 3}


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text("utf-8").splitlines() if line.strip()]


def evaluate(path: Path, *, bank=None, index_dir: Path | None = None, llm=None) -> dict:
    from question_bank import load_bank

    from .scoring import score_answer

    bank = bank or load_bank()
    rows = load(path)
    cards = {}
    for row in rows:
        prompt = bank.prompt(row["prompt_id"])
        cards[row["id"]] = score_answer(
            prompt, row["answer"], bank=bank, index_dir=index_dir, llm=llm
        )

    pairs = correct = 0
    wrong_pairs: list[str] = []
    for pid in {r["prompt_id"] for r in rows}:
        group = [r for r in rows if r["prompt_id"] == pid]
        for a, b in combinations(group, 2):
            if RANK[a["label"]] == RANK[b["label"]]:
                continue
            hi, lo = (a, b) if RANK[a["label"]] > RANK[b["label"]] else (b, a)
            pairs += 1
            if cards[hi["id"]].score > cards[lo["id"]].score:
                correct += 1
            else:
                wrong_pairs.append(
                    f"{hi['id']}({cards[hi['id']].score}) <= {lo['id']}({cards[lo['id']].score})"
                )

    agree = sum(1 for r in rows if cards[r["id"]].verdict == r["label"])
    tp = fp = fn = 0
    flag_errors: list[str] = []
    for r in rows:
        want = set(r.get("red_flags", []))
        got = {f.id for f in cards[r["id"]].red_flags}
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
        if want != got:
            flag_errors.append(
                f"{r['id']}: missing {sorted(want - got)} extra {sorted(got - want)}"
            )

    attacks = [r for r in rows if r.get("attack")]
    held = 0
    failed_attacks: list[str] = []
    for r in attacks:
        card = cards[r["id"]]
        ok = True
        if r["attack"] == "injection":
            ok = any(f.id == "prompt_injection" for f in card.red_flags) and card.verdict in (
                "weak",
                "failing",
            )
        elif r["attack"] == "stuffing":
            ok = card.verdict in ("weak", "failing")
        base = r.get("base")
        if base and base in cards:
            ok = ok and card.score <= cards[base].score
        held += ok
        if not ok:
            failed_attacks.append(f"{r['id']}: score {card.score} verdict {card.verdict}")

    return {
        "answers": len(rows),
        "pairwise": round(correct / pairs, 3) if pairs else None,
        "pairs": pairs,
        "verdict_agreement": round(agree / len(rows), 3) if rows else None,
        "red_flag_recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "red_flag_precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "attacks_held": f"{held}/{len(attacks)}",
        "attacks_all_held": held == len(attacks),
        "wrong_pairs": wrong_pairs,
        "flag_errors": flag_errors,
        "failed_attacks": failed_attacks,
        "scores": {
            r["id"]: f"{r['label']:>8} -> {cards[r['id']].score:3d} {cards[r['id']].verdict}"
            for r in rows
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    for path in args.paths:
        report = evaluate(path)
        if not args.verbose:
            for key in ("wrong_pairs", "flag_errors", "failed_attacks", "scores"):
                report.pop(key)
        json.dump({"set": str(path), **report}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
