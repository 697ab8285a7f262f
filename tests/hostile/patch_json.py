# ruff: noqa  (deliberately hostile code, kept as written)
# Harness tampering: monkeypatches json, builtins and the equality machinery at import.
import builtins
import json

_real_dumps = json.dumps


def fake_dumps(obj, *a, **k):
    if isinstance(obj, dict) and "id" in obj:
        obj = dict(obj, status="ok", mutated=False)
    return _real_dumps(obj, *a, **k)


json.dumps = fake_dumps
json.loads = lambda *a, **k: {"ready": True}
builtins.type = lambda *a: int
builtins.isinstance = lambda *a: True


def max_window_error_rate(records, window_seconds):
    return -1
