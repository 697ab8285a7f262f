"""The end-of-exam summary: a score per signal, the red flags raised, three things to practise."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from question_bank import SIGNAL_TITLES, Bank

_STATUS_WEIGHT = {"missed": 1.0, "partial": 0.5}


class SignalScore(BaseModel):
    signal: str
    title: str
    # Mean of the prompt scores for this signal; None when none of its prompts was asked.
    score: float | None
    prompt_ids: list[str] = Field(default_factory=list)


class RaisedFlag(BaseModel):
    id: str
    title: str
    prompt_id: str
    evidence: str


class PractiseItem(BaseModel):
    criterion_id: str
    prompt_id: str
    statement: str
    status: str
    # A question to rehearse against: the probe the interviewer would ask.
    exercise: str


class Debrief(BaseModel):
    overall: float | None
    signals: list[SignalScore]
    red_flags: list[RaisedFlag]
    practise: list[PractiseItem]

    def text(self) -> str:
        lines = ["That's the end of the exam. Here is how it went."]
        for sig in self.signals:
            if sig.score is not None:
                lines.append(f"{sig.title}: {sig.score:.0f} out of 100.")
        if self.red_flags:
            names = ", ".join(sorted({f.title for f in self.red_flags}))
            lines.append(f"Red flags raised: {names}.")
        else:
            lines.append("No red flags were raised.")
        if self.practise:
            lines.append("Three things to practise next:")
            for i, item in enumerate(self.practise, 1):
                lines.append(f"{i}. {item.statement} ({item.prompt_id}, {item.criterion_id})")
        return "\n".join(lines)


def build_debrief(
    bank: Bank, prompt_ids: list[str], scorecards: dict[str, dict[str, Any]]
) -> Debrief:
    signals: list[SignalScore] = []
    for signal, title in SIGNAL_TITLES.items():
        asked = [
            pid for pid in prompt_ids if bank.section_of(pid).signal == signal and pid in scorecards
        ]
        scores = [float(scorecards[pid]["score"]) for pid in asked]
        signals.append(
            SignalScore(
                signal=signal,
                title=title,
                score=round(sum(scores) / len(scores), 1) if scores else None,
                prompt_ids=asked,
            )
        )
    all_scores = [float(card["score"]) for card in scorecards.values()]
    overall = round(sum(all_scores) / len(all_scores), 1) if all_scores else None

    flags: list[RaisedFlag] = []
    for pid in prompt_ids:
        for flag in (scorecards.get(pid) or {}).get("red_flags", []):
            try:
                title = bank.red_flag(flag["id"]).title
            except KeyError:
                title = flag["id"]
            flags.append(
                RaisedFlag(
                    id=flag["id"], title=title, prompt_id=pid, evidence=flag.get("evidence", "")
                )
            )

    # The criteria that cost the most points: weight x (missed 1, partial 0.5), one per prompt
    # first so the three cover different ground, then the rest.
    ranked: list[tuple[float, int, str, Any, str]] = []
    for order, pid in enumerate(prompt_ids):
        card = scorecards.get(pid)
        if not card:
            continue
        prompt = bank.prompt(pid)
        for crit in card.get("criteria", []):
            lost = _STATUS_WEIGHT.get(crit.get("status", ""), 0.0)
            if not lost:
                continue
            try:
                criterion = prompt.criterion(crit["id"])
            except KeyError:
                continue
            ranked.append((criterion.weight * lost, -order, pid, criterion, crit["status"]))
    ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
    picked: list[tuple[str, Any, str]] = []
    seen_prompts: set[str] = set()
    for _, _, pid, criterion, status in ranked:
        if pid not in seen_prompts and len(picked) < 3:
            picked.append((pid, criterion, status))
            seen_prompts.add(pid)
    for _, _, pid, criterion, status in ranked:
        if len(picked) >= 3:
            break
        if all(c.id != criterion.id or p != pid for p, c, _ in picked):
            picked.append((pid, criterion, status))
    practise = [
        PractiseItem(
            criterion_id=criterion.id,
            prompt_id=pid,
            statement=criterion.statement,
            status=status,
            exercise=criterion.probe,
        )
        for pid, criterion, status in picked
    ]
    return Debrief(overall=overall, signals=signals, red_flags=flags, practise=practise)
