"""One stored session as JSON, Markdown or a single self-contained HTML page for a coach."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from question_bank import SIGNAL_TITLES, Bank

from .debrief import Debrief, build_debrief
from .store import Transcript, Turn

FORMATS = ("json", "md", "html")


def export(transcript: Transcript, fmt: str, bank: Bank | None = None) -> str:
    if fmt == "json":
        return to_json(transcript)
    if fmt == "md":
        return to_markdown(transcript, bank)
    if fmt == "html":
        return to_html(transcript, bank)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def to_json(transcript: Transcript) -> str:
    return json.dumps(transcript.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def _bank(bank: Bank | None) -> Bank | None:
    if bank is not None:
        return bank
    try:
        from question_bank import load_bank

        return load_bank()
    except Exception:  # a transcript from another bank still exports, with ids for titles
        return None


def _prompt_groups(transcript: Transcript) -> list[tuple[str, list[tuple[int, Turn]]]]:
    """Turns grouped by prompt, in the order the prompts were asked."""
    groups: list[tuple[str, list[tuple[int, Turn]]]] = []
    for i, turn in enumerate(transcript.turns):
        if not groups or groups[-1][0] != turn.prompt_id:
            groups.append((turn.prompt_id, []))
        groups[-1][1].append((i, turn))
    return groups


def _scorecard(turns: list[tuple[int, Turn]]) -> dict[str, Any] | None:
    for _, turn in reversed(turns):
        if turn.scorecard:
            return turn.scorecard
    return None


def _debrief(transcript: Transcript, bank: Bank | None) -> Debrief | None:
    if transcript.debrief:
        return Debrief.model_validate(transcript.debrief)
    if bank is None:
        return None
    cards = {pid: card for pid, turns in _prompt_groups(transcript) if (card := _scorecard(turns))}
    known = [pid for pid in (transcript.prompt_ids or list(cards)) if pid in bank.prompt_ids]
    try:
        return build_debrief(bank, known, {k: v for k, v in cards.items() if k in known})
    except KeyError:
        return None


def _statement(bank: Bank | None, prompt_id: str, criterion_id: str) -> str:
    try:
        return bank.prompt(prompt_id).criterion(criterion_id).statement if bank else criterion_id
    except KeyError:
        return criterion_id


def _title(bank: Bank | None, prompt_id: str) -> str:
    try:
        return bank.prompt(prompt_id).title if bank else prompt_id
    except KeyError:
        return prompt_id


# -- Markdown ----------------------------------------------------------------------------------


def to_markdown(transcript: Transcript, bank: Bank | None = None) -> str:
    bank = _bank(bank)
    out = [
        f"# Session {transcript.session_id}",
        "",
        f"- Started: {transcript.started}",
        f"- Finished: {transcript.finished or '(not finished)'}",
        f"- Mode: {transcript.mode}",
        f"- Status: {transcript.status}",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in transcript.versions.items() if v),
        "",
    ]
    for pid, turns in _prompt_groups(transcript):
        out += [f"## {_title(bank, pid)} (`{pid}`)", ""]
        for i, turn in turns:
            label = "Question" if turn.kind == "prompt" else "Follow-up"
            out += [f"**{label}** (turn {i}): {turn.interviewer}", ""]
            out += [
                f"> {line}" if line else ">"
                for line in (turn.candidate or "(no answer)").splitlines()
            ]
            out.append("")
            if turn.code:
                out += ["```python", turn.code.rstrip(), "```", ""]
            if turn.timing:
                out += [
                    "Timing: " + ", ".join(f"{k} {v:.0f} ms" for k, v in turn.timing.items()),
                    "",
                ]
            for override in turn.overrides:
                out += [f"Coach override: `{json.dumps(override, ensure_ascii=False)}`", ""]
        card = _scorecard(turns)
        if card:
            out += [
                f"**Score {card['score']}** ({card['verdict']}, scorer {card.get('scorer', '?')})",
                "",
            ]
            out += ["| criterion | status | evidence |", "|---|---|---|"]
            for crit in card.get("criteria", []):
                evidence = (crit.get("evidence") or "").replace("|", "\\|").replace("\n", " ")
                statement = _statement(bank, pid, crit["id"]).replace("|", "\\|")
                out.append(f"| {statement} | {crit['status']} | {evidence} |")
            out.append("")
            for flag in card.get("red_flags", []):
                out.append(f"- Red flag **{flag['id']}**: {flag.get('evidence', '')}")
            if card.get("feedback"):
                out += ["", f"Feedback: {card['feedback']}", ""]
    debrief = _debrief(transcript, bank)
    if debrief:
        out += ["## Debrief", ""]
        for sig in debrief.signals:
            shown = f"{sig.score:.0f}" if sig.score is not None else "not asked"
            out.append(f"- {sig.title}: {shown}")
        out.append("")
        for flag in debrief.red_flags:
            out.append(f"- Red flag {flag.title} on {flag.prompt_id}: {flag.evidence}")
        if debrief.practise:
            out += ["", "Practise next:", ""]
            for n, item in enumerate(debrief.practise, 1):
                out.append(f"{n}. {item.statement} (`{item.prompt_id}` / `{item.criterion_id}`)")
        out.append("")
    return "\n".join(out)


# -- HTML --------------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
.meta{color:#555}.turn{margin:1em 0;padding:.6em 1em;background:#f7f7f9;border-radius:6px}
.q{font-weight:600}.a{white-space:pre-wrap;margin:.4em 0}
pre{background:#272822;color:#f8f8f2;padding:.8em;border-radius:6px;overflow:auto}
table{border-collapse:collapse;width:100%;margin:.6em 0}
td,th{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
mark{background:#fff1a8}.met{color:#1a7f37}.partial{color:#9a6700}.missed{color:#cf222e}
.flag{color:#cf222e}.timing{color:#666;font-size:.85em}
"""


def _highlight(text: str, spans: list[str]) -> str:
    """The answer, HTML-escaped, with every evidence span wrapped in <mark>."""
    marks: list[tuple[int, int]] = []
    lowered = text.lower()
    for span in spans:
        span = span.strip()
        if not span:
            continue
        for m in re.finditer(re.escape(span.lower()), lowered):
            marks.append((m.start(), m.end()))
    marks.sort()
    out, pos = [], 0
    for start, end in marks:
        if start < pos:
            continue
        out += [html.escape(text[pos:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def signal_chart(debrief: Debrief | None) -> str:
    """A horizontal bar chart of the per-signal scores, as inline SVG."""
    rows = debrief.signals if debrief else []
    if not rows:
        rows_data = [(title, None) for title in SIGNAL_TITLES.values()]
    else:
        rows_data = [(s.title, s.score) for s in rows]
    bar_h, gap, label_w, width = 22, 10, 190, 300
    height = len(rows_data) * (bar_h + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + width + 60}" height="{height}"'
        ' role="img" aria-label="score per signal">'
    ]
    for i, (title, score) in enumerate(rows_data):
        y = gap + i * (bar_h + gap)
        parts.append(
            f'<text x="0" y="{y + bar_h * 0.7:.0f}" font-size="13">{html.escape(title)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{width}" height="{bar_h}" fill="#eee"/>'
        )
        if score is not None:
            colour = "#1a7f37" if score >= 75 else "#9a6700" if score >= 55 else "#cf222e"
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{width * score / 100:.1f}" height="{bar_h}"'
                f' fill="{colour}"/>'
                f'<text x="{label_w + width + 8}" y="{y + bar_h * 0.7:.0f}" font-size="13">'
                f"{score:.0f}</text>"
            )
        else:
            parts.append(
                f'<text x="{label_w + width + 8}" y="{y + bar_h * 0.7:.0f}" font-size="13"'
                ' fill="#888">n/a</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _html_list(heading: str, tag: str, items: list[str]) -> list[str]:
    """A headed <ul>/<ol> of ready-made <li> lines, or nothing when there are no items."""
    return [f"<h2>{heading}</h2><{tag}>", *items, f"</{tag}>"] if items else []


def to_html(transcript: Transcript, bank: Bank | None = None) -> str:
    bank = _bank(bank)
    esc = html.escape
    debrief = _debrief(transcript, bank)
    body = [
        f"<h1>Session {esc(transcript.session_id)}</h1>",
        f'<p class="meta">Started {esc(transcript.started)} &middot; finished '
        f"{esc(transcript.finished or 'not yet')} &middot; {esc(transcript.mode)} &middot; "
        f"{esc(transcript.status)}</p>",
        '<p class="meta">Versions: '
        + ", ".join(f"{esc(str(k))} {esc(str(v))}" for k, v in transcript.versions.items() if v)
        + "</p>",
        "<h2>Score per signal</h2>",
        signal_chart(debrief),
    ]
    if debrief:
        body += _html_list(
            "Red flags",
            "ul",
            [
                f'<li class="flag"><b>{esc(flag.title)}</b> ({esc(flag.prompt_id)}): '
                f"&ldquo;{esc(flag.evidence)}&rdquo;</li>"
                for flag in debrief.red_flags
            ],
        )
        body += _html_list(
            "Practise next",
            "ol",
            [
                f"<li>{esc(item.statement)} <small>({esc(item.prompt_id)} / "
                f"{esc(item.criterion_id)})</small></li>"
                for item in debrief.practise
            ],
        )

    for pid, turns in _prompt_groups(transcript):
        card = _scorecard(turns)
        spans = [
            c.get("evidence", "") for c in (card or {}).get("criteria", []) if c.get("evidence")
        ]
        spans += [f.get("evidence", "") for f in (card or {}).get("red_flags", [])]
        body.append(f"<h2>{esc(_title(bank, pid))} <small>({esc(pid)})</small></h2>")
        for i, turn in turns:
            label = "Question" if turn.kind == "prompt" else "Follow-up"
            answer = _highlight(turn.candidate, spans) if turn.candidate else "<i>(no answer)</i>"
            body.append(
                f'<div class="turn" id="turn-{i}"><div class="q">{label}: {esc(turn.interviewer)}</div>'
                f'<div class="a">{answer}</div>'
            )
            if turn.code:
                body.append(f"<pre>{_highlight(turn.code, spans)}</pre>")
            if turn.timing:
                body.append(
                    '<div class="timing">Timings: '
                    + ", ".join(f"{esc(k)} {v / 1000:.1f} s" for k, v in turn.timing.items())
                    + "</div>"
                )
            for override in turn.overrides:
                body.append(
                    f'<div class="timing">Coach override: {esc(json.dumps(override, ensure_ascii=False))}</div>'
                )
            body.append("</div>")
        if card:
            body.append(
                f"<p><b>Score {esc(str(card['score']))}</b> ({esc(str(card['verdict']))}, scorer "
                f"{esc(str(card.get('scorer', '?')))}). {esc(card.get('feedback', ''))}</p>"
            )
            body.append("<table><tr><th>criterion</th><th>status</th><th>evidence</th></tr>")
            for crit in card.get("criteria", []):
                status = str(crit.get("status", ""))
                body.append(
                    f"<tr><td>{esc(_statement(bank, pid, crit['id']))}</td>"
                    f'<td class="{esc(status)}">{esc(status)}</td>'
                    f"<td><mark>{esc(crit.get('evidence') or '')}</mark></td></tr>"
                    if crit.get("evidence")
                    else f"<tr><td>{esc(_statement(bank, pid, crit['id']))}</td>"
                    f'<td class="{esc(status)}">{esc(status)}</td><td></td></tr>'
                )
            body.append("</table>")
            for flag in card.get("red_flags", []):
                body.append(
                    f'<p class="flag">Red flag <b>{esc(flag["id"])}</b>: '
                    f"&ldquo;{esc(flag.get('evidence', ''))}&rdquo;</p>"
                )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Interview {esc(transcript.session_id)}</title><style>{_CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
