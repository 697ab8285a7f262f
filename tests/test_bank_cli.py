"""`interviewer bank` and `interviewer config` as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from agent.cli import main
from question_bank import bundled_bank_dir


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_bank_list_shows_every_prompt(capsys):
    code, out, _ = run(capsys, "bank", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows][0] == "warmup.constraints"
    assert len(rows) == 8


def test_bank_show_hides_the_strong_answer_until_reveal(capsys):
    code, out, _ = run(capsys, "bank", "show", "r2.accent_regression")
    assert code == 0
    assert "correction rate" in out
    assert "Freeze promotion" not in out and "route_affected_slices_back" not in out

    code, out, _ = run(capsys, "bank", "show", "r2.accent_regression", "--reveal")
    assert code == 0
    assert "Freeze promotion, route affected slices back to the prior model" in out
    for crit in ("freeze_promotion", "route_affected_slices_back", "canary_on_correction_rate"):
        assert crit in out


def test_bank_show_json_never_leaks_hidden_tests_without_reveal(capsys):
    code, out, _ = run(capsys, "bank", "show", "r3.rollback_target", "--json")
    assert code == 0
    data = json.loads(out)
    assert "strong_answer" not in data and "criteria" not in data
    assert set(data["coding"]) == {"function", "signature"}
    assert "tenant_specific_block" not in out


def test_unknown_prompt_id_is_one_line_with_valid_ids(capsys):
    code, out, err = run(capsys, "bank", "show", "r2.accent")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "r2.accent_regression" in err and "warmup.constraints" in err


def test_bank_check_accepts_the_bundled_bank(capsys):
    code, out, _ = run(capsys, "bank", "check")
    assert code == 0
    assert out.startswith("ok: 8 prompts")


def test_bank_check_of_a_malformed_bank_is_one_line_exit_2_and_writes_nothing(
    capsys, tmp_path: Path, isolated_home: Path
):
    bank = tmp_path / "bank"
    shutil.copytree(bundled_bank_dir(), bank)
    path = bank / "prompts" / "03_r1.cost_latency.yaml"
    data = yaml.safe_load(path.read_text())
    data["criteria"][2]["weight"] = -1
    path.write_text(yaml.safe_dump(data))
    before = sorted(bank.rglob("*"))
    code, out, err = run(capsys, "bank", "check", str(bank))
    assert code == 2
    assert err.count("\n") == 1
    assert str(path) in err and "r1.cost_latency" in err and "criteria.2.weight" in err
    assert sorted(bank.rglob("*")) == before
    assert list(isolated_home.iterdir()) == []


def test_bank_check_fails_when_a_criterion_is_not_in_the_strong_answer(capsys, tmp_path: Path):
    bank = tmp_path / "bank"
    shutil.copytree(bundled_bank_dir(), bank)
    path = bank / "prompts" / "01_warmup.constraints.yaml"
    data = yaml.safe_load(path.read_text())
    data["criteria"][0]["cues"] = ["astrology"]
    path.write_text(yaml.safe_dump(data))
    code, out, err = run(capsys, "bank", "check", str(bank))
    assert code == 2
    assert "criterion product_constraints: no cue occurs in the strong answer" in out


def test_a_coach_bank_from_settings_is_used(capsys, tmp_path: Path, monkeypatch):
    bank = tmp_path / "bank"
    shutil.copytree(bundled_bank_dir(), bank)
    exam = bank / "exam.yaml"
    exam.write_text(exam.read_text().replace("Advanced Audio ML", "Coach's Audio ML"))
    monkeypatch.setenv("INTERVIEWER_EXAM__BANK_PATH", str(bank))
    code, out, _ = run(capsys, "bank", "list")
    assert code == 0 and "Coach's Audio ML" in out


def test_config_show_merges_defaults_user_file_and_environment(
    capsys, isolated_home: Path, monkeypatch
):
    (isolated_home / "config.toml").write_text('[exam]\nmax_follow_ups = 1\n[llm]\nmodel = "x/y"\n')
    monkeypatch.setenv("INTERVIEWER_LLM__MODEL", "openai/judge")
    monkeypatch.setenv("INTERVIEWER_LLM__API_BASE", "http://127.0.0.1:8765/v1")
    code, out, _ = run(capsys, "config", "show", "--json")
    assert code == 0
    data = json.loads(out)
    settings = data["settings"]
    assert data["data_home"] == str(isolated_home)
    assert settings["exam"]["max_follow_ups"] == 1  # user file over default
    assert settings["llm"]["model"] == "openai/judge"  # environment over user file
    assert settings["llm"]["api_base"] == "http://127.0.0.1:8765/v1"
    assert settings["timers"]["section_minutes"]["r3"] == 100  # default kept


def test_config_flag_points_at_another_file(capsys, tmp_path: Path):
    cfg = tmp_path / "mine.toml"
    cfg.write_text("[voice]\nend_of_turn_silence_ms = 900\n")
    code, out, _ = run(capsys, "--config", str(cfg), "config", "show")
    assert code == 0 and "end_of_turn_silence_ms = 900" in out
    code, out, _ = run(capsys, "config", "show", "--config", str(cfg))
    assert code == 0 and "end_of_turn_silence_ms = 900" in out


@pytest.mark.parametrize(
    ("content", "needle"),
    [("[exam\n", "not valid TOML"), ("[exam]\nmax_follow_ups = 'many'\n", "exam.max_follow_ups")],
)
def test_bad_settings_file_is_one_line(capsys, tmp_path: Path, content: str, needle: str):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(content)
    code, _, err = run(capsys, "--config", str(cfg), "config", "show")
    assert code == 2 and needle in err and err.count("\n") == 1
