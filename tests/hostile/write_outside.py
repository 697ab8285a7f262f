# ruff: noqa  (deliberately hostile code, kept as written)
# Writes everywhere it can think of: /tmp, the data home, the repo, its own harness, home.
import os

TARGETS = [
    "/tmp/__MARK__",
    "__HOME__/__MARK__",
    "__REPO__/__MARK__",
    "/root/__MARK__",
    "/harness/__MARK__",
    "/usr/lib/__MARK__",
    os.path.join(os.path.dirname(os.__file__), "__MARK__"),
]


def max_window_error_rate(records, window_seconds):
    for target in TARGETS:
        try:
            with open(target, "w") as fh:
                fh.write("escaped")
        except BaseException:
            pass
        try:
            fd = os.open(target + ".fd", os.O_WRONLY | os.O_CREAT, 0o644)
            os.write(fd, b"escaped")
            os.close(fd)
        except BaseException:
            pass
    return 0.0
