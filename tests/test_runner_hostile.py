"""Hostile submissions (tests/hostile/*.py): each ends with nothing passed, well within 30 s,
nothing written outside the sandbox, no process left behind, no secret or connection leaked."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from question_bank import load_bank
from rubric.coderun import run_code, sandbox_available
from rubric.sandbox import host_pids

pytestmark = pytest.mark.skipif(sandbox_available() is not None, reason="needs bubblewrap")

HOSTILE = sorted(Path(__file__).with_name("hostile").glob("*.py"))
REPO = Path(__file__).resolve().parents[1]
SECRET = "interviewer-secret-" + os.urandom(6).hex()


@pytest.fixture(scope="module")
def listener():
    """A TCP server on the host's loopback: a submission that reaches it has network access."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    hits: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(conn.recv(200) or b"connected")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(2)
    server.close()


def test_there_is_a_hostile_submission_of_every_kind():
    names = {p.stem for p in HOSTILE}
    for kind in (
        "fork_bomb",
        "memory_hog",
        "infinite_loop",
        "huge_output",
        "network",
        "write_outside",
        "write_tmp_only",
        "read_secrets",
        "patch_json",
        "patch_unittest",
        "custom_eq",
        "fake_results",
        "exit_tricks",
        "sys_exit_import",
    ):
        assert kind in names


@pytest.mark.parametrize("path", HOSTILE, ids=[p.stem for p in HOSTILE])
def test_hostile_submission_gets_no_credit_and_leaves_nothing_behind(path, listener, isolated_home):
    port, hits = listener
    (isolated_home / "config.toml").write_text(f"# {SECRET}\n")
    mark = "hostile-" + os.urandom(6).hex()
    source = (
        path.read_text()
        .replace("__PORT__", str(port))
        .replace("__MARK__", mark)
        .replace("__HOME__", str(isolated_home))
        .replace("__REPO__", str(REPO))
    )
    started = time.monotonic()
    result = run_code(load_bank().prompt("r3.sliding_window"), source)
    took = time.monotonic() - started

    assert result.passed == 0, [c for c in result.cases if c.status == "pass"]
    assert result.status != "pass"
    assert took < 30
    assert host_pids(result.sandbox_uids, result.marker) == []
    assert result.strays_killed == 0  # the PID namespace took everything down by itself
    for where in (Path("/tmp"), isolated_home, REPO, Path.home(), Path("/root")):
        assert not list(where.glob(mark + "*")), where
    assert SECRET not in result.model_dump_json() + result.output
    assert hits == []
