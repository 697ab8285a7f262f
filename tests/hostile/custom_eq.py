# ruff: noqa  (deliberately hostile code, kept as written)
# Returns objects that claim to equal anything (custom __eq__, float/str subclasses).
class Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


class SneakyFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


def max_window_error_rate(records, window_seconds):
    if len(records) % 2:
        return SneakyFloat(0.0)
    return Anything()
