"""The exam bank: loaded in contract order, faithful to the seed, and strict about bad files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from question_bank import (
    RED_FLAG_IDS,
    BankError,
    UnknownPromptError,
    bundled_bank_dir,
    coverage_problems,
    load_bank,
    load_bank_dir,
)

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_428748ed32db857c.txt"
CONTRACT_IDS = [
    "warmup.constraints",
    "r1.architecture",
    "r1.cost_latency",
    "r2.accent_regression",
    "r2.tts_first_byte",
    "r3.sliding_window",
    "r3.top_k_regressed",
    "r3.rollback_target",
]


def _seed_text() -> str:
    if SEED.is_file():
        return SEED.read_text("utf-8")
    pytest.skip("shared/seed is not beside the checkout")


def test_bundled_bank_has_the_contract_prompts_in_exam_order():
    bank = load_bank()
    assert bank.prompt_ids == CONTRACT_IDS
    assert [s.signal for s in bank.sections] == [
        "rnd_judgment",
        "system_design",
        "production_operations",
        "coding",
    ]
    assert sorted(f.id for f in bank.red_flags) == sorted(RED_FLAG_IDS)
    assert re.fullmatch(r"[0-9a-f]{12}", bank.version)


def test_every_strong_answer_is_the_seed_text_verbatim():
    seed = _seed_text()
    for prompt in load_bank().prompts:
        answer = prompt.strong_answer.rstrip("\n")
        assert answer in seed, f"{prompt.id}: strong answer is not the seed's text"
        assert len(answer) > 150


def test_coding_reference_solutions_are_the_seed_code_and_pass_their_tests():
    seed = _seed_text()
    for prompt in load_bank().prompts:
        if prompt.kind != "coding":
            continue
        task = prompt.coding
        assert task.reference_solution.rstrip() in seed
        assert task.signature in task.reference_solution
        namespace: dict = {}
        exec(task.reference_solution, namespace)  # trusted bank code
        func = namespace[task.function]
        for case in task.tests:
            got = func(*yaml.safe_load(yaml.safe_dump(case.args)))
            if task.comparator == "exact" and isinstance(case.expected, float):
                assert got == pytest.approx(case.expected), case.name
            elif task.comparator == "exact":
                assert got == case.expected, case.name


def test_coding_tests_cover_the_edge_cases_the_seed_names():
    bank = load_bank()
    names = {p.id: " ".join(t.name for t in p.coding.tests) for p in bank.prompts if p.coding}
    for needed in ("empty", "all_success", "all_failure", "same_timestamp", "boundary"):
        assert needed in names["r3.sliding_window"]
    for needed in ("no_match", "tenant_specific_block", "family_mismatch", "global"):
        assert needed in names["r3.rollback_target"]
    for needed in ("missing_baseline", "sort_direction", "k_larger_than_regressions"):
        assert needed in names["r3.top_k_regressed"]


def test_every_criterion_is_complete_and_cued_in_its_strong_answer():
    bank = load_bank()
    assert coverage_problems(bank) == []
    for prompt in bank.prompts:
        assert 4 <= len(prompt.criteria) <= 12, prompt.id
        for crit in prompt.criteria:
            assert crit.probe.endswith("?"), (prompt.id, crit.id)
            assert len(crit.paraphrases) >= 3, (prompt.id, crit.id)


def test_bank_version_changes_when_a_file_changes(tmp_path: Path):
    bank_dir = tmp_path / "bank"
    shutil.copytree(bundled_bank_dir(), bank_dir)
    before = load_bank_dir(bank_dir).version
    exam = bank_dir / "exam.yaml"
    exam.write_text(exam.read_text().replace("Warm-up", "Warm up"))
    assert load_bank_dir(bank_dir).version != before


def test_unknown_prompt_id_lists_the_valid_ids():
    bank = load_bank()
    with pytest.raises(UnknownPromptError) as err:
        bank.select(["r2.accent_regression", "r9.nope"])
    assert "r9.nope" in str(err.value)
    for pid in CONTRACT_IDS:
        assert pid in str(err.value)


@pytest.fixture
def bank_copy(tmp_path: Path) -> Path:
    target = tmp_path / "bank"
    shutil.copytree(bundled_bank_dir(), target)
    return target


def _edit_prompt(bank_dir: Path, name: str, edit) -> Path:
    path = bank_dir / "prompts" / name
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda d: d["criteria"][0].update(weight="heavy"), "criteria.0.weight"),
        (lambda d: d.pop("strong_answer"), "strong_answer"),
        (lambda d: d["criteria"][1].update(probe=""), "criteria.1.probe"),
        (lambda d: d["criteria"][0].update(surprise=1), "criteria.0.surprise"),
        (lambda d: d.update(kind="sung"), "kind"),
    ],
)
def test_malformed_prompt_names_file_prompt_and_field(bank_copy: Path, edit, field: str):
    path = _edit_prompt(bank_copy, "04_r2.accent_regression.yaml", edit)
    with pytest.raises(BankError) as err:
        load_bank_dir(bank_copy)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message
    assert "r2.accent_regression" in message
    assert field in message


def test_invalid_yaml_names_the_file_and_line(bank_copy: Path):
    path = bank_copy / "prompts" / "02_r1.architecture.yaml"
    path.write_text("id: r1.architecture\ncriteria: [unclosed\n")
    with pytest.raises(BankError) as err:
        load_bank_dir(bank_copy)
    assert str(path) in str(err.value) and "line" in str(err.value)


def test_missing_prompt_file_is_reported_against_exam_yaml(bank_copy: Path):
    (bank_copy / "prompts" / "05_r2.tts_first_byte.yaml").unlink()
    with pytest.raises(BankError) as err:
        load_bank_dir(bank_copy)
    assert "exam.yaml" in str(err.value) and "r2.tts_first_byte" in str(err.value)


def test_unknown_red_flag_is_rejected(bank_copy: Path):
    _edit_prompt(bank_copy, "01_warmup.constraints.yaml", lambda d: d.update(red_flags=["vibes"]))
    with pytest.raises(BankError) as err:
        load_bank_dir(bank_copy)
    assert "red_flags" in str(err.value) and "vibes" in str(err.value)


def test_criterion_without_a_cue_in_the_strong_answer_fails_coverage(bank_copy: Path):
    _edit_prompt(
        bank_copy,
        "04_r2.accent_regression.yaml",
        lambda d: d["criteria"][0].update(cues=["blame the interns"]),
    )
    problems = coverage_problems(load_bank_dir(bank_copy))
    assert problems == [
        "prompt r2.accent_regression: criterion freeze_promotion: no cue occurs in the strong answer"
    ]


def test_malformed_section_and_red_flag_name_their_file_and_field(bank_copy: Path):
    exam = bank_copy / "exam.yaml"
    exam.write_text(exam.read_text().replace("signal: coding", "signal: poetry"))
    with pytest.raises(BankError) as err:
        load_bank_dir(bank_copy)
    assert str(exam) in str(err.value) and "sections.3.signal" in str(err.value)

    exam.write_text(exam.read_text().replace("signal: poetry", "signal: coding"))
    flags = bank_copy / "red_flags.yaml"
    flags.write_text(flags.read_text().replace("examples:", "examplez:", 1))
    with pytest.raises(BankError) as err:
        load_bank_dir(bank_copy)
    assert str(flags) in str(err.value) and "red_flags.0.examples" in str(err.value)
