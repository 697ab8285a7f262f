"""The parent side of the sandbox: a bubblewrap jail around rubric/harness_child.py.

One `Sandbox` is one session: a bwrap process (new PID, IPC, UTS, network and cgroup
namespaces; only the Python install read-only; size-capped tmpfs for /work and /tmp) that runs
the supervisor, to which tasks are sent one at a time. The supervisor runs each loaded file in a
worker of its own random uid with rlimits, so a fork bomb is capped by RLIMIT_NPROC and every
process a worker leaves behind can be killed by uid; when the session ends, the PID namespace's
init dies and the kernel kills whatever is left in it. Nothing the child prints or returns is
believed here: replies are re-parsed JSON and the comparison happens in rubric.coderun.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import SandboxLimits

INSTALL_HINT = "bubblewrap (bwrap) not found; install it: apt-get install bubblewrap"
HARNESS = Path(__file__).with_name("harness_child.py")
HARNESS_IN_SANDBOX = "/harness/harness_child.py"
# uids handed to workers: far above any real account, one random pair per session.
UID_RANGE = (1_000_000_000, 2_000_000_000)
TMPFS_BYTES = 32 * 1024 * 1024


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot build a sandbox here; the message is one line."""


class _Flood(Exception):
    """The submission printed far more than the output cap."""


@dataclass
class WorkerSpec:
    source: str
    function: str
    filename: str = "solution.py"


@functools.lru_cache(maxsize=1)
def sandbox_available() -> str | None:
    """None when a sandbox can be built here, else one line saying why (and how to fix it)."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return INSTALL_HINT
    try:
        probe = subprocess.run(
            [
                *_bwrap_argv(bwrap, privileged=_privileged()),
                os.path.realpath(sys.executable),
                "-I",
                "-S",
                "-c",
                "pass",
            ],
            capture_output=True,
            timeout=20,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap (bwrap) cannot start a sandbox here: {exc}"
    if probe.returncode != 0:
        err = probe.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"bubblewrap (bwrap) cannot start a sandbox here: {err[-1] if err else probe.returncode}"
    return None


@functools.lru_cache(maxsize=1)
def bwrap_version() -> str:
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return "none"
    try:
        out = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() or "unknown"


def _privileged() -> bool:
    # As root, workers get uids of their own (so RLIMIT_NPROC applies: root ignores it) and no
    # user namespace is made (one would map them back to root outside).
    return os.geteuid() == 0


def _python_binds() -> list[tuple[str, str]]:
    """(source, dest) read-only binds for the interpreter: its binary, libpython, the stdlib."""
    exe = os.path.realpath(sys.executable)
    binds = [(exe, exe)]
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    ldlib = sysconfig.get_config_var("LDLIBRARY") or ""
    if libdir and ".so" in ldlib:
        for candidate in Path(libdir).glob(ldlib + "*"):
            binds.append((str(candidate), str(candidate)))
    for key in ("stdlib", "platstdlib"):
        path = sysconfig.get_paths().get(key)
        if path and os.path.isdir(path) and (path, path) not in binds:
            binds.append((path, path))
    return binds


def _hidden_dirs() -> list[str]:
    """Installed packages inside the stdlib tree: covered by an empty read-only tmpfs."""
    stdlib = sysconfig.get_paths()["stdlib"]
    out = []
    for key in ("purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path and path.startswith(stdlib + os.sep) and os.path.isdir(path) and path not in out:
            out.append(path)
    return out


def _bwrap_argv(bwrap: str, *, privileged: bool) -> list[str]:
    argv = [bwrap]
    if privileged:
        argv += [
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--unshare-cgroup-try",
        ]
    else:
        argv += ["--unshare-all"]
    argv += ["--die-with-parent", "--new-session", "--clearenv"]
    argv += [
        "--setenv",
        "LANG",
        "C.UTF-8",
        "--setenv",
        "PATH",
        "/nonexistent",
        "--setenv",
        "HOME",
        "/work",
    ]
    dirs: list[str] = []
    binds: list[tuple[str, str]] = []
    for sys_dir in ("/usr/lib", "/usr/lib64", "/usr/lib32"):
        if os.path.isdir(sys_dir) and not os.path.islink(sys_dir):
            binds.append((sys_dir, sys_dir))
    links: list[tuple[str, str]] = []
    for top in ("/lib", "/lib64", "/lib32"):
        if os.path.islink(top):
            links.append((os.readlink(top), top))
        elif os.path.isdir(top):
            binds.append((top, top))
    binds += _python_binds()
    binds.append((str(HARNESS), HARNESS_IN_SANDBOX))
    # bwrap makes missing parents 0700, which an unprivileged worker cannot cross: make them first.
    for _, dest in binds:
        parent = Path(dest).parent
        chain = [p for p in [*reversed(parent.parents), parent] if str(p) != "/"]
        for p in chain:
            if str(p) not in dirs and not any(str(p) == d for _, d in binds):
                dirs.append(str(p))
    for d in dirs:
        argv += ["--perms", "0755", "--dir", d]
    for src, dest in binds:
        argv += ["--ro-bind", src, dest]
    for target, name in links:
        argv += ["--symlink", target, name]
    for hidden in _hidden_dirs():
        argv += ["--size", "4096", "--tmpfs", hidden, "--remount-ro", hidden]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    for scratch in ("/tmp", "/work"):
        argv += ["--perms", "1777", "--size", str(TMPFS_BYTES), "--tmpfs", scratch]
    argv += ["--chdir", "/work"]
    if privileged:
        argv += ["--cap-drop", "ALL"]
        for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_KILL"):
            argv += ["--cap-add", cap]
    argv.append("--")
    return argv


def host_pids(uids: list[int], marker: str) -> list[int]:
    """Processes on this host that belong to a session: by worker uid or by the marker in argv."""
    found = []
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                if fh.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                    continue
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read()
            uid = None
            with open(f"/proc/{entry}/status") as fh:
                for line in fh:
                    if line.startswith("Uid:"):
                        uid = int(line.split()[1])
                        break
        except (OSError, IndexError, ValueError):
            continue
        if (marker and marker.encode() in cmdline) or (uid is not None and uid in uids):
            found.append(int(entry))
    return found


# How long the PID namespace may take to go down by itself before its strays are killed.
_TEARDOWN_WAIT_S = 5.0


@dataclass
class Sandbox:
    """One sandbox session. Use as a context manager; `call` sends one task."""

    workers: dict[str, WorkerSpec]
    limits: SandboxLimits
    import_timeout_s: float = 3.0
    output: bytearray = field(default_factory=bytearray)
    output_total: int = 0
    uids: list[int] = field(default_factory=list)
    marker: str = ""
    strays_killed: int = 0
    # worker name -> what it tried (policy hook) or did (output flood); taints the whole run
    violations: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._next_id = 0
        self._started = 0.0
        self._dead = ""

    # -- lifecycle

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        reason = sandbox_available()
        if reason:
            raise SandboxUnavailable(reason)
        privileged = _privileged()
        self.marker = "interviewer-sandbox-" + secrets.token_hex(8)
        spec: dict = {
            "harness": HARNESS_IN_SANDBOX,
            "marker": self.marker,
            "import_timeout": self.import_timeout_s,
            "limits": self.limits.model_dump(),
            "workers": {},
        }
        rng = secrets.SystemRandom()
        for name, worker in self.workers.items():
            entry = {
                "source": worker.source,
                "function": worker.function,
                "filename": worker.filename,
            }
            if privileged:
                uid = rng.randrange(*UID_RANGE)
                self.uids.append(uid)
                entry["uid"] = uid
            spec["workers"][name] = entry
        argv = [*_bwrap_argv(shutil.which("bwrap") or "bwrap", privileged=privileged)]
        argv += [
            os.path.realpath(sys.executable),
            "-I",
            "-S",
            "-B",
            HARNESS_IN_SANDBOX,
            "supervisor",
            self.marker,
        ]
        self._started = time.monotonic()
        self._proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            close_fds=True,
            start_new_session=True,
        )
        for stream in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            assert stream is not None
            os.set_blocking(stream.fileno(), False)
        self._sel = selectors.DefaultSelector()
        assert self._proc.stdout and self._proc.stderr
        self._sel.register(self._proc.stdout, selectors.EVENT_READ, "out")
        self._sel.register(self._proc.stderr, selectors.EVENT_READ, "err")
        self._send((json.dumps(spec) + "\n").encode(), time.monotonic() + 10)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def remaining(self) -> float:
        return float(self.limits.wall_seconds) - self.elapsed

    def close(self) -> None:
        proc = self._proc
        if proc is None:
            return
        self._proc = None
        try:
            if proc.stdin:
                proc.stdin.close()
        except OSError:
            pass
        deadline = time.monotonic() + 2.0
        while proc.poll() is None and time.monotonic() < deadline:
            self._drain(0.002)
        if proc.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        self._drain(0)
        for stream in (proc.stdout, proc.stderr):
            try:
                if stream:
                    self._sel.unregister(stream)
                    stream.close()
            except (OSError, KeyError, ValueError):
                pass
        self._sel.close()
        # The PID namespace dies with its init (the kernel kills the rest); wait for that, then
        # kill by uid and marker whatever is still there: the belt to those braces. On a busy
        # machine a flooding submission's last process once took over 2 s to be torn down;
        # the wait ends as soon as none is left, so a longer one costs nothing otherwise.
        deadline = time.monotonic() + _TEARDOWN_WAIT_S
        while host_pids(self.uids, self.marker) and time.monotonic() < deadline:
            time.sleep(0.005)
        for _ in range(10):
            strays = host_pids(self.uids, self.marker)
            if not strays:
                break
            for pid in strays:
                try:
                    os.kill(pid, signal.SIGKILL)
                    self.strays_killed += 1
                except OSError:
                    pass
            time.sleep(0.02)

    # -- tasks

    def call(
        self, worker: str, args: list, *, timeout: float, op: str = "call", **extra: object
    ) -> dict:
        """One task; returns the supervisor's reply (status ok|error|timeout|crash)."""
        self._next_id += 1
        tid = self._next_id
        if self._dead:
            return {"id": tid, "status": "error", "error": self._dead}
        timeout = max(0.05, min(timeout, self.remaining()))
        if self.remaining() <= 0.05:
            return self._die(tid, f"the run used its {self.limits.wall_seconds} s of wall time")
        header = {"id": tid, "worker": worker, "op": op, "timeout": timeout, **extra}
        data = (json.dumps(header) + "\n" + json.dumps(args, allow_nan=False) + "\n").encode()
        # The supervisor enforces `timeout` (and restarts a worker); the margin covers that.
        deadline = time.monotonic() + timeout + self.import_timeout_s + 3.0
        try:
            self._send(data, deadline)
            line = self._read_line(deadline)
        except _Flood:
            cap = self.flood_bytes // (1024 * 1024)
            why = f"printed more than {cap} MiB; the run was stopped"
            self.violations.setdefault(worker, why)
            return self._die(tid, why)
        except TimeoutError:
            return self._die(tid, "the sandbox stopped answering")
        except EOFError:
            return self._die(tid, "the sandbox ended unexpectedly")
        try:
            reply = json.loads(line)
        except (ValueError, RecursionError):
            return self._die(tid, "the sandbox sent something that is not a result")
        if not isinstance(reply, dict) or reply.get("id") != tid:
            return self._die(tid, "the sandbox sent a result for another task")
        if reply.get("violation"):
            self.violations.setdefault(worker, str(reply["violation"]))
        return reply

    @property
    def flood_bytes(self) -> int:
        # Beyond the kept cap, output is only counted; this much more means a flood, not logging.
        return max(4 * 1024 * 1024, 16 * self.limits.max_output_kb * 1024)

    def _die(self, tid: int, why: str) -> dict:
        self._dead = why
        proc = self._proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
        return {"id": tid, "status": "timeout" if "time" in why else "error", "error": why}

    # -- pipes

    def _send(self, data: bytes, deadline: float) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        fd = self._proc.stdin.fileno()
        view = memoryview(data)
        while view:
            try:
                n = os.write(fd, view)
                view = view[n:]
                continue
            except BlockingIOError:
                pass
            except (BrokenPipeError, OSError):
                raise EOFError from None
            if time.monotonic() > deadline:
                raise TimeoutError
            # Keep reading while we wait to write, so neither side blocks on a full pipe.
            self._drain(0.01)

    def _read_line(self, deadline: float) -> bytes:
        while b"\n" not in self._buffer:
            if self.output_total > self.flood_bytes:
                raise _Flood
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if (
                not self._drain(min(left, 0.5))
                and self._proc is not None
                and self._proc.poll() is not None
            ):
                self._drain(0)
                if b"\n" not in self._buffer:
                    raise EOFError
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _drain(self, wait: float) -> bool:
        """Read whatever stdout/stderr have; True when anything arrived."""
        got = False
        for key, _ in self._sel.select(wait):
            try:
                chunk = os.read(key.fileobj.fileno(), 1 << 20)  # type: ignore[union-attr]
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                chunk = b""
            if not chunk:
                with contextlib.suppress(KeyError, ValueError):
                    self._sel.unregister(key.fileobj)
                continue
            got = True
            if key.data == "out":
                self._buffer += chunk
            else:
                # Captured output of the submission: counted in full, kept up to the cap.
                self.output_total += len(chunk)
                room = self.limits.max_output_kb * 1024 - len(self.output)
                if room > 0:
                    self.output += chunk[:room]
        return got

    @property
    def output_text(self) -> str:
        text = self.output.decode("utf-8", "replace")
        if self.output_total > len(self.output):
            text += f"\n[... output cut: {self.output_total} bytes in all, {len(self.output)} kept]"
        return text
