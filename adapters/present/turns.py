"""Time left in a timed turn (T1), as a roster that is redrawn now and then shows it.

The figure is coarse on purpose, so a roster is edited about once a minute per timed speaker and
never every second: whole minutes while more than a minute is left, rounded **up** (4 min 10 s left
reads "5 min left": never less time than is left), then "under 1 min left", then, from T1's warning
point of 30 s, "under 30 s left". Each wording holds until `next_change` says it changes.
"""

from __future__ import annotations

import math

MINUTE = 60.0
LAST = 30.0  # T1 warns 30 s before the end of a turn of a minute or more: the roster says so at the same moment


def time_left(seconds: float) -> str:
    """Say how long a turn has left, to the coarse step the roster shows."""
    if seconds > MINUTE:
        return f"{math.ceil(seconds / MINUTE)} min left"
    if seconds > LAST:
        return "under 1 min left"
    if seconds > 0:
        return f"under {LAST:.0f} s left"
    return "ending now"


def next_change(seconds: float) -> float | None:
    """Return in how many seconds `time_left` words a turn with `seconds` left differently (None: it has ended)."""
    if seconds > MINUTE:
        minutes = math.ceil(seconds / MINUTE)
        return seconds - (minutes - 1) * MINUTE  # when the rounded-up minutes drop by one
    if seconds > LAST:
        return seconds - LAST
    if seconds > 0:
        return seconds  # the turn's end, which its stage.left redraws as well
    return None
