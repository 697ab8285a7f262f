"""The LLM path through a real OpenAI-compatible HTTP server on 127.0.0.1, and the same exam with
the server dead: it finishes offline and says so once."""

from __future__ import annotations

import json

from llm_server import FakeLLM, dead_base_url
from test_graph_support import *  # noqa: F403
from test_graph_support import SPOKEN, SPOKEN_2, WEAK_ANSWER, interviewer, kinds, write_answers

from agent.session import ExamSession
from question_bank import load_bank

DRAFT = "You said you would freeze promotion; who do you tell first, and what exactly do you say?"


def _is_follow_up_request(body: dict) -> bool:
    return "follow-up question" in body["messages"][0]["content"]


def _handler(question: str):
    def handle(body: dict):
        if _is_follow_up_request(body):
            return json.dumps({"question": question})
        # The judge: nothing met, so the interviewer has something to probe.
        schema = (
            body["response_format"].get("schema")
            or body["response_format"]["json_schema"]["schema"]
        )
        ids = schema["properties"]["criteria"]["items"]["properties"]["id"]["enum"]
        return json.dumps(
            {"criteria": [{"id": i, "status": "missed", "evidence": ""} for i in ids]}
        )

    return handle


def _use_llm(settings, base_url: str) -> None:
    settings.llm.model = "openai/judge"
    settings.llm.api_base = base_url
    settings.llm.timeout_s = 5
    settings.llm.max_retries = 0


def test_llm_drafts_the_follow_up_from_the_candidates_words(settings, clock):
    with FakeLLM(_handler(DRAFT)) as server:
        _use_llm(settings, server.base_url)
        session = ExamSession.start(settings, [SPOKEN], clock=clock)
        session.opening()
        reply = session.submit(WEAK_ANSWER)
        assert kinds(reply) == ["ack", "follow_up"]
        assert reply.utterances[1].text == DRAFT
        drafts = [b for b in server.requests if _is_follow_up_request(b)]
        assert len(drafts) == 1
        user = drafts[0]["messages"][1]["content"]
        assert WEAK_ANSWER in user  # the candidate's own words
        missed = load_bank().prompt(SPOKEN).criterion(reply.utterances[1].data["criterion"])
        assert missed.statement in user
        assert drafts[0]["response_format"]["type"] == "json_object"
    assert "notice" not in kinds(reply)


def test_a_draft_that_leaks_the_strong_answer_is_replaced_by_the_bank_probe(settings, clock):
    leak = "Would you route affected slices back to the prior model, and what else?"
    with FakeLLM(_handler(leak)) as server:
        _use_llm(settings, server.base_url)
        session = ExamSession.start(settings, [SPOKEN], clock=clock)
        session.opening()
        reply = session.submit(WEAK_ANSWER)
    follow = reply.utterances[-1]
    assert follow.kind == "follow_up" and follow.text != leak
    criterion = load_bank().prompt(SPOKEN).criterion(follow.data["criterion"])
    assert follow.text.endswith(criterion.probe)


def test_dead_llm_exam_finishes_offline_with_one_notice(settings, clock):
    _use_llm(settings, dead_base_url())
    settings.llm.timeout_s = 2
    session = ExamSession.start(settings, [SPOKEN, SPOKEN_2], clock=clock)
    said = list(session.opening().utterances)
    said += session.submit(WEAK_ANSWER).utterances
    while not session.finished:
        said += session.submit("I am not sure.").utterances
    notices = [u for u in said if u.kind == "notice"]
    assert len(notices) == 1 and "offline" in notices[0].text
    transcript = session.transcript()
    cards = [t.scorecard for t in transcript.turns if t.scorecard]
    assert len(cards) == 2 and all(c["scorer"] == "offline" for c in cards)
    assert transcript.versions["llm"] == "openai/judge"
    assert transcript.versions["llm_fallback"] == "offline"


def test_headless_with_dead_llm_says_so_once_on_stderr(exam_home, tmp_path):
    answers = write_answers(tmp_path / "a.jsonl", [{"prompt_id": SPOKEN, "answer": WEAK_ANSWER}])
    done = interviewer(
        "practice",
        "--headless",
        "--answers",
        str(answers),
        "--prompts",
        SPOKEN,
        "--json",
        env={
            "INTERVIEWER_LLM__MODEL": "openai/judge",
            "INTERVIEWER_LLM__API_BASE": dead_base_url(),
            "INTERVIEWER_LLM__TIMEOUT_S": "2",
            "INTERVIEWER_LLM__MAX_RETRIES": "0",
        },
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "offline" in line]
    assert len(lines) == 1
    transcript = json.loads(done.stdout)
    assert transcript["finished"] and transcript["turns"][-1]["scorecard"]["scorer"] == "offline"
