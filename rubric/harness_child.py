"""The code that runs INSIDE the sandbox. Standard library only; started as `python -I -S`.

Two roles, chosen by argv[1]:

- ``supervisor`` (trusted, never loads submitted code): reads the session spec and then tasks
  from stdin, starts one *worker* process per loaded file, each as its own unprivileged uid with
  rlimits, enforces a per-task timeout, and relays each worker's reply to stdout as plain JSON.
  A worker cannot signal or ptrace the supervisor (different uid, no capabilities), cannot see
  the supervisor's stdin (the session spec, which holds the reference solution), and cannot
  reach another worker (different uid). It can only answer for itself.
- ``worker`` (untrusted once the file is loaded): loads one source text and calls its function
  on each task's arguments. Its stdout is the reply channel to the supervisor; everything the
  loaded code prints goes to stderr, which the parent reads separately and never interprets.

Nothing here decides pass or fail: the parent compares re-parsed JSON with the bank's values.
"""

from __future__ import annotations

# ruff: noqa: SIM105  (try/except/pass here: contextlib would be one more import in the sandbox)
import os
import select
import signal
import sys
import time

REPLY_CAP = 16 * 1024 * 1024  # bytes of one worker reply; more is "too large"


# --------------------------------------------------------------------------- worker


def _worker_tools(reply_fd: int) -> dict:
    """Every helper the worker needs once the submission is loaded, as closures over
    references taken now. Rebinding names later (json.dumps, builtins.type, this module's
    globals, JSONEncoder methods) changes nothing here: the serializer below uses only C-level
    functions captured before the submission runs, and built-in types cannot be patched."""
    # The C parts of json, without the json package (which drags in `re`): a leaner startup.
    import _json

    _type, _str, _int, _float, _bool, _list, _tuple, _dict = (
        type,
        str,
        int,
        float,
        bool,
        list,
        tuple,
        dict,
    )
    _sorted, _len, _repr, _isinstance, _base = sorted, len, repr, isinstance, BaseException
    float_repr, int_repr = float.__repr__, int.__repr__
    enc = _json.encode_basestring_ascii

    def no_constants(name):
        raise ValueError(f"{name} is not plain data")

    class _Context:
        strict = True
        object_hook = None
        object_pairs_hook = None
        parse_float = float
        parse_int = int
        parse_constant = staticmethod(no_constants)
        memo: dict = {}

    scan = _json.make_scanner(_Context())
    write, inf = os.write, float("inf")
    join = ",".join

    class NotPlain(Exception):
        pass

    def kind_name(value) -> str:
        try:
            return _type(value).__name__
        except _base:  # noqa: BLE001 - a hostile metaclass
            return "object"

    def to_json(value, depth=0, sort=False) -> str:
        """JSON text of plain data, or NotPlain. `type(x) is int`, never isinstance: a subclass
        of int or str with its own __eq__ must not travel as data."""
        if depth > 200:
            raise NotPlain("is nested more than 200 levels deep")
        kind = _type(value)
        if value is None:
            return "null"
        if kind is _bool:
            return "true" if value else "false"
        if kind is _int:
            try:
                return int_repr(value)
            except ValueError:
                raise NotPlain("contains an int too large to report") from None
        if kind is _float:
            if value != value or value == inf or value == -inf:
                raise NotPlain(f"contains a non-finite float ({float_repr(value)})")
            return float_repr(value)
        if kind is _str:
            return enc(value)
        if kind is _list or kind is _tuple:
            return "[" + join([to_json(v, depth + 1, sort) for v in value]) + "]"
        if kind is _dict:
            items = []
            for key, item in value.items():
                if _type(key) is not _str:
                    raise NotPlain(f"has a dict key that is not a str ({kind_name(key)})")
                items.append((key, item))
            if sort:
                items = _sorted(items, key=lambda kv: kv[0])
            return "{" + join([enc(k) + ":" + to_json(v, depth + 1, sort) for k, v in items]) + "}"
        raise NotPlain(f"contains a {kind_name(value)}, which is not plain data")

    def loads(raw: bytes):
        text = raw.decode("utf-8")
        value, _ = scan(text, 0)
        return value

    def send_text(text: str) -> None:
        view = memoryview((text + "\n").encode("utf-8"))
        while _len(view):
            n = write(reply_fd, view)
            view = view[n:]

    def describe(exc, filename: str) -> str:
        """`ValueError: bad thing (line 7)`: the exception line, with the submission's line."""
        try:
            text = _str(exc)
        except _base:  # noqa: BLE001 - hostile __str__
            text = ""
        line = None
        try:
            tb = exc.__traceback__
            while tb is not None:
                if tb.tb_frame.f_code.co_filename == filename:
                    line = tb.tb_lineno
                tb = tb.tb_next
            if _isinstance(exc, SyntaxError) and exc.filename == filename:
                line = exc.lineno
        except _base:  # noqa: BLE001
            pass
        where = f" (line {line})" if _type(line) is _int else ""
        head = kind_name(exc)
        msg = f"{head}: {text}" if text else head
        return (msg[:500] + where).replace("\n", " ")

    return {
        "NotPlain": NotPlain,
        "to_json": to_json,
        "loads": loads,
        "send_text": send_text,
        "describe": describe,
        "enc": enc,
        "perf": time.perf_counter,
    }


def worker_main() -> None:
    inp = sys.stdin.buffer
    readline = inp.readline
    # The reply channel is a private dup of stdout; fd 1 becomes stderr, so print() in the
    # loaded code lands in the captured output stream, not among the replies.
    reply_fd = os.dup(1)
    os.dup2(2, 1)
    t = _worker_tools(reply_fd)
    to_json, loads, send_text, describe, enc = (
        t["to_json"],
        t["loads"],
        t["send_text"],
        t["describe"],
        t["enc"],
    )
    NotPlain, perf = t["NotPlain"], t["perf"]
    _base, _float, _int = BaseException, float, int

    spec = loads(readline())
    filename = spec["filename"]
    quiet = _QuietSwitch()
    _install_policy(lambda what: send_text('{"violation":' + enc(what) + "}"))
    module = type(sys)("solution")
    module.__file__ = filename
    sys.modules["solution"] = module
    try:
        code = compile(spec["source"], filename, "exec")
        exec(code, module.__dict__)
        func = module.__dict__.get(spec["function"])
        if not callable(func):
            message = f"your file defines no function named {spec['function']}"
            send_text('{"ready":false,"error":' + enc(message) + "}")
            return
    except _base as exc:  # noqa: BLE001 - SystemExit at import is an error too
        send_text(
            '{"ready":false,"error":'
            + enc("loading your file raised " + describe(exc, filename))
            + "}"
        )
        return
    send_text('{"ready":true}')

    def head(task) -> str:
        return '{"id":' + to_json(task["id"]) + ',"token":' + enc(task["token"])

    def call(task, payload) -> str:
        args = loads(payload)
        pristine = to_json(loads(payload), sort=True)  # taken BEFORE the call
        start = perf()
        try:
            value = func(*args)
        except _base as exc:  # noqa: BLE001
            return head(task) + ',"status":"error","error":' + enc(describe(exc, filename)) + "}"
        ms = (perf() - start) * 1000.0
        try:
            value_json = to_json(value)
        except NotPlain as exc:
            return (
                head(task)
                + ',"status":"error","error":'
                + enc("the returned value " + exc.args[0])
                + "}"
            )
        except RecursionError:
            return head(task) + ',"status":"error","error":"the returned value refers to itself"}'
        try:
            after = to_json(args, sort=True)
            mutated = "true" if after != pristine else "false"
        except (NotPlain, RecursionError):
            after, mutated = "null", "true"
        return (
            head(task)
            + ',"status":"ok","value":'
            + value_json
            + ',"args_after":'
            + after
            + ',"mutated":'
            + mutated
            + ',"ms":'
            + to_json(_float(ms))
            + "}"
        )

    def timed(task, payload) -> str:
        budget = _float(task.get("budget_s", 0.2))
        max_reps = _int(task.get("max_reps", 10))
        best, value, spent, reps = None, None, 0.0, 0
        while reps < max_reps and (reps < 2 or spent < budget):
            args = loads(payload)  # a fresh copy per repetition, parsed outside the timed call
            start = perf()
            result = func(*args)
            took = perf() - start
            if reps == 0:
                value = result
            spent += took
            reps += 1
            best = took if best is None else min(best, took)
        try:
            value_json = to_json(value)
        except (NotPlain, RecursionError) as exc:
            return (
                head(task) + ',"status":"error","error":' + enc(f"the returned value {exc}") + "}"
            )
        return (
            head(task)
            + ',"status":"ok","value":'
            + value_json
            + ',"ms":'
            + to_json(_float(best * 1000.0))
            + ',"reps":'
            + to_json(reps)
            + "}"
        )

    while True:
        header = readline()
        if not header:
            return
        payload = readline()
        task = loads(header)
        try:
            if task["op"] == "time":
                # Timing runs are large; what they print is discarded, not captured.
                with quiet:
                    reply = timed(task, payload)
            else:
                reply = call(task, payload)
        except _base as exc:  # noqa: BLE001 - includes SystemExit from the call
            reply = head(task) + ',"status":"error","error":' + enc(describe(exc, filename)) + "}"
        send_text(reply)


class _QuietSwitch:
    """Send fds 1 and 2 to /dev/null for a while (timing runs), then back."""

    def __init__(self) -> None:
        self.null = os.open(os.devnull, os.O_WRONLY)
        self.saved = (os.dup(1), os.dup(2))
        self.dup2 = os.dup2
        self.streams = (sys.stdout, sys.stderr)

    def _flush(self) -> None:
        for stream in self.streams:
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001
                pass

    def __enter__(self) -> None:
        self._flush()
        self.dup2(self.null, 1)
        self.dup2(self.null, 2)

    def __exit__(self, *exc) -> None:
        self._flush()
        self.dup2(self.saved[0], 1)
        self.dup2(self.saved[1], 2)


def _install_policy(report) -> None:
    """Audit events a coding answer has no business raising. bubblewrap already makes them fail
    or harmless; the hook makes them *visible*, so an attempt taints the whole run (no case is
    credited), and refuses them with a clear message. A hook cannot be removed once added, and
    everything it uses is a closure variable, out of reach of monkeypatching."""
    import types as _types

    forbidden = (
        ("socket.", "open a network connection"),
        ("urllib.", "open a network connection"),
        ("http.", "open a network connection"),
        ("ftplib.", "open a network connection"),
        ("smtplib.", "open a network connection"),
        ("os.fork", "start a process"),
        ("os.posix_spawn", "start a process"),
        ("os.spawn", "start a process"),
        ("os.exec", "start a process"),
        ("os.system", "start a process"),
        ("os.startfile", "start a process"),
        ("subprocess.", "start a process"),
        ("pty.", "start a process"),
        ("os.kill", "send a signal to a process"),
        ("signal.pthread_kill", "send a signal to a process"),
        ("ctypes.", "load native code"),
        ("gc.get_objects", "inspect the examiner's memory"),
        ("gc.get_referrers", "inspect the examiner's memory"),
        ("gc.get_referents", "inspect the examiner's memory"),
        ("sys._current_frames", "inspect the examiner's memory"),
        ("sys.addaudithook", "tamper with the examiner"),
        ("os.chdir", "leave its scratch folder"),
        ("os.chroot", "leave its scratch folder"),
    )
    path_writes = frozenset(
        {
            "os.remove",
            "os.rename",
            "os.rmdir",
            "os.mkdir",
            "os.chmod",
            "os.chown",
            "os.link",
            "os.symlink",
            "os.truncate",
            "os.utime",
            "shutil.rmtree",
            "shutil.copyfile",
            "shutil.move",
            "os.chflags",
            "os.lchown",
            "os.mkfifo",
            "os.mknod",
            "os.setxattr",
            "os.removexattr",
        }
    )
    path_reads = frozenset(
        {"os.listdir", "os.scandir", "os.walk", "glob.glob", "os.getxattr", "os.listxattr"}
    )
    function_type, _type, _str, _bytes, _int = _types.FunctionType, type, str, bytes, int
    harness_file = _install_policy.__code__.co_filename
    readable = tuple(
        {p for p in sys.path if p.startswith("/")}
        | {"/work", "/dev/null", "/dev/urandom", "/dev/zero"}
    )
    writable = ("/work",)
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    tainted = []

    def norm(path) -> str:
        if _type(path) is _bytes:
            path = path.decode("utf-8", "replace")
        if _type(path) is not _str:
            path = "."
        if not path.startswith("/"):
            path = "/work/" + path  # the cwd, which the submission may not change
        parts = []
        for seg in path.split("/"):
            if seg in ("", "."):
                continue
            if seg == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(seg)
        return "/" + "/".join(parts)

    def under(path, roots) -> bool:
        if _type(path) is _int:
            return True  # an fd already open
        full = norm(path)
        return any(full == root or full.startswith(root.rstrip("/") + "/") for root in roots)

    def refuse(what: str, detail: str):
        message = f"tried to {what} ({detail[:160]})"
        if not tainted:
            tainted.append(message)
            report(message)
        raise PermissionError(f"not allowed in the interview sandbox: {message}")

    def hook(event, args):
        if event == "open":
            path, mode, flags = (list(args) + [None, None, None])[:3]
            writing = (_type(mode) is _str and any(c in mode for c in "wax+")) or (
                _type(flags) is _int and flags & write_flags
            )
            if writing and not under(path, writable):
                refuse("write a file outside its scratch folder", repr(path))
            if not writing and not under(path, readable):
                refuse("read a file outside its scratch folder", repr(path))
            return
        if event in path_writes:
            for path in args[:2]:
                if _type(path) in (_str, _bytes) and not under(path, writable):
                    refuse("change files outside its scratch folder", f"{event} {path!r}")
            return
        if event in path_reads:
            if args and not under(args[0], readable):
                refuse("look at files outside its scratch folder", f"{event} {args[0]!r}")
            return
        if event == "object.__setattr__" and args and _type(args[0]) is function_type:
            # Rewriting the examiner's own functions (their code or defaults) is tampering.
            if args[0].__code__.co_filename == harness_file:
                refuse("tamper with the examiner", f"set {args[1]} of {args[0].__qualname__}")
            return
        for prefix, what in forbidden:
            if event.startswith(prefix):
                refuse(what, f"{event} {args!r}")

    sys.addaudithook(hook)


# --------------------------------------------------------------------------- supervisor


class Violation(Exception):
    """The worker's policy hook saw a forbidden attempt: the worker is done for this session."""


class Worker:
    def __init__(self, name: str, spec: dict, session: dict) -> None:
        self.name = name
        self.spec = spec
        self.session = session
        self.proc = None
        self.failure: str | None = None  # a load failure repeats for every task
        self.violation: str | None = None

    @property
    def uid(self) -> int | None:
        return self.spec.get("uid")

    def start(self) -> None:
        import subprocess

        limits = self.session["limits"]

        def set_limits() -> None:  # runs in the forked child, after setuid, before exec
            import resource

            mb = 1024 * 1024
            for res, value in (
                (resource.RLIMIT_CPU, int(limits["cpu_seconds"])),
                (resource.RLIMIT_AS, int(limits["memory_mb"]) * mb),
                (resource.RLIMIT_NPROC, int(limits["max_processes"])),
                (resource.RLIMIT_NOFILE, int(limits["max_open_files"])),
                (resource.RLIMIT_FSIZE, int(limits["max_file_mb"]) * mb),
                (resource.RLIMIT_CORE, 0),
            ):
                hard = value + 1 if res == resource.RLIMIT_CPU else value
                resource.setrlimit(res, (value, hard))

        extra = {}
        if self.uid is not None:
            extra = {"user": self.uid, "group": self.uid, "extra_groups": []}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-I",
                "-S",
                "-B",
                self.session["harness"],
                "worker",
                self.session["marker"],
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,
            close_fds=True,
            start_new_session=True,
            preexec_fn=set_limits,
            cwd="/work",
            env={
                "PATH": "/nonexistent",
                "HOME": "/work",
                "LANG": "C.UTF-8",
                "PYTHONIOENCODING": "utf-8",
            },
            **extra,
        )
        os.set_blocking(self.proc.stdin.fileno(), False)
        self.buffer = b""
        first = {
            "source": self.spec["source"],
            "function": self.spec["function"],
            "filename": self.spec["filename"],
        }
        deadline = time.monotonic() + float(self.session["import_timeout"])
        try:
            self._write((json.dumps(first) + "\n").encode(), deadline)
            reply = self._read_line(deadline)
        except TimeoutError:
            self.failure = f"loading your file took more than {self.session['import_timeout']:g} s"
            self.kill()
            return
        except EOFError:
            self.failure = "loading your file ended the process" + self._exit_note()
            self.kill()
            return
        except Violation as exc:
            self.violation = self.failure = f"sandbox policy: loading your file {exc}"
            self.kill()
            return
        if not (isinstance(reply, dict) and reply.get("ready") is True):
            error = reply.get("error") if isinstance(reply, dict) else None
            self.failure = str(error or "loading your file failed")[:600]
            self.kill()

    def _exit_note(self) -> str:
        if self.proc is None:
            return ""
        try:
            code = self.proc.wait(timeout=0.5)
        except Exception:  # noqa: BLE001
            return ""
        if code < 0:
            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = str(-code)
            hint = {
                "SIGXCPU": " (CPU time limit)",
                "SIGKILL": " (killed)",
                "SIGXFSZ": " (file size limit)",
            }
            return f" (killed by {sig}{hint.get(sig, '')})"
        return f" (exit code {code})"

    def _write(self, data: bytes, deadline: float) -> None:
        fd = self.proc.stdin.fileno()
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            _, writable, _ = select.select([], [fd], [], left)
            if not writable:
                continue
            try:
                n = os.write(fd, view)
            except BlockingIOError:
                continue
            except (BrokenPipeError, OSError):
                raise EOFError from None
            view = view[n:]

    def _read_line(self, deadline: float):
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            if len(self.buffer) > REPLY_CAP:
                raise OverflowError
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            readable, _, _ = select.select([fd], [], [], left)
            if not readable:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        try:
            reply = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if isinstance(reply, dict) and "violation" in reply:
            raise Violation(str(reply["violation"])[:400])
        return reply

    def run(self, task: dict, payload: bytes) -> dict:
        tid = task["id"]
        if (self.proc is None or self.proc.poll() is not None) and not self.failure:
            self.start()
        if self.failure:
            reply = {"id": tid, "status": "error", "error": self.failure}
            if self.violation:
                reply["violation"] = self.violation
            return reply
        timeout = float(task["timeout"])
        deadline = time.monotonic() + timeout
        token = os.urandom(16).hex()  # a reply must echo it: blind forgeries never match
        header = json.dumps(
            {
                "token": token,
                **{k: task[k] for k in ("id", "op", "budget_s", "max_reps") if k in task},
            }
        )
        try:
            self._write(header.encode() + b"\n" + payload.rstrip(b"\n") + b"\n", deadline)
            reply = self._read_line(deadline)
        except TimeoutError:
            self.kill()
            return {"id": tid, "status": "timeout", "error": f"no result within {timeout:g} s"}
        except EOFError:
            note = self._exit_note()
            self.kill()
            return {
                "id": tid,
                "status": "crash",
                "error": "the process ended during the call" + note,
            }
        except OverflowError:
            self.kill()
            return {"id": tid, "status": "error", "error": "the result was too large to report"}
        except Violation as exc:
            self.violation = self.failure = f"sandbox policy: your code {exc}"
            self.kill()
            return {"id": tid, "status": "error", "error": self.failure, "violation": self.failure}
        if not isinstance(reply, dict) or reply.get("id") != tid or reply.get("token") != token:
            # A forged or garbled reply: the worker is no longer trusted, and the run is tainted.
            self.violation = self.failure = (
                "sandbox policy: your code wrote fake results to the examiner's channel"
            )
            self.kill()
            return {"id": tid, "status": "error", "error": self.failure, "violation": self.failure}
        allowed = {"id", "status", "value", "args_after", "mutated", "ms", "error", "reps"}
        reply = {k: v for k, v in reply.items() if k in allowed}
        if reply.get("status") not in ("ok", "error"):
            reply = {"id": tid, "status": "error", "error": "malformed result"}
        return reply

    def kill(self) -> None:
        if self.proc is None:
            return
        if self.uid is not None:
            _kill_uid(self.uid)
        else:
            _kill_all_but(os.getpid())
        try:
            self.proc.kill()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=2)
        except Exception:  # noqa: BLE001
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except Exception:  # noqa: BLE001
                pass
        self.proc = None


def _pids_of_uid(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                for line in fh:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            pids.append(int(entry))
                        break
        except OSError:
            continue
    return pids


def _kill_uid(uid: int) -> None:
    """SIGKILL every process of `uid` in this PID namespace: a helper that becomes `uid` and
    calls kill(-1), which reaches all of that uid's processes at once (a fork bomb included)."""
    for _ in range(20):
        pid = os.fork()
        if pid == 0:
            try:
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)
            except BaseException:  # noqa: BLE001
                pass
            os._exit(0)
        os.waitpid(pid, 0)
        live = [p for p in _pids_of_uid(uid) if not _is_zombie(p)]
        if not live:
            return
        time.sleep(0.01)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _kill_all_but(me: int) -> None:
    """Without a uid of its own per worker (unprivileged mode): kill every process in this PID
    namespace except init and the supervisor."""
    for _ in range(20):
        others = [
            int(p)
            for p in os.listdir("/proc")
            if p.isdigit() and int(p) not in (1, me) and not _is_zombie(int(p))
        ]
        if not others:
            return
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)


def supervisor_main() -> None:
    inp = sys.stdin.buffer
    out = sys.stdout.buffer
    session = json.loads(inp.readline())
    workers = {name: Worker(name, spec, session) for name, spec in session["workers"].items()}
    try:
        while True:
            header = inp.readline()
            if not header:
                break
            payload = inp.readline()
            task = json.loads(header)
            worker = workers.get(task.get("worker"))
            if worker is None:
                reply = {"id": task.get("id"), "status": "error", "error": "unknown worker"}
            else:
                reply = worker.run(task, payload)
            out.write((json.dumps(reply, separators=(",", ":")) + "\n").encode())
            out.flush()
    finally:
        for worker in workers.values():
            worker.kill()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker_main()
    else:
        import json  # the supervisor's (a module global); the worker never loads the package

        supervisor_main()
