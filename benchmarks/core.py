"""The in-memory cost of one stage command, by how many people are in the room.

Each room holds a full stage in request mode, so every join moves someone off
(C3). A cycle takes a batch of the audience through the mix — ask, bring to
stage, join (evicting), speak, remove — then refills the stage untimed.
Commands go straight to core.rules.handle: this measures the rules and their
indexes, not storage.
"""

from __future__ import annotations

import gc
import random
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core import commands as c
from core import rules
from core.room import Room, RoomKey

KEY = RoomKey("bench", "workspace", "stage")
HOST = c.Actor("host", moderator=True)
MIX = ("ask", "approve", "join", "speak", "remove")
# (people in the room, people on stage = capacity): the big room raises the capacity to 1,000.
SIZES = ((10, 5), (1_000, 100), (100_000, 1_000))
TARGET_RATIO = 1.5


@dataclass
class SizeResult:
    """Best-of mean microseconds per command kind at one room size."""

    people: int
    on_stage: int
    micros: dict[str, float]

    @property
    def mix(self) -> float:
        """Return the mean over the mix (each kind runs equally often)."""
        return sum(self.micros.values()) / len(self.micros)


class Bench:
    """A room with a full stage, a clock, and an audience queue to draw from."""

    def __init__(self, people: int, on_stage: int, seed: int = 7) -> None:
        self.room = Room(KEY)
        self.now = 0.0
        self.random = random.Random(seed)
        users = [f"u{n}" for n in range(people)]
        for user in ("host", *users):
            self.send(c.Arrive(c.Actor(user)))
        self.send(c.SetCapacity(c.Actor("host", admin=True), str(on_stage)))
        self.send(c.StartSession(HOST, "request"))
        for user in users[:on_stage]:
            self.send(c.Invite(HOST, user))
            self.send(c.JoinStage(c.Actor(user)))
        self.audience = deque(users[on_stage:])
        assert len(self.room.stage) == on_stage

    def send(self, command: c.Command) -> list[object]:
        """Apply a command a millisecond after the last one."""
        self.now += 0.001
        return list(rules.handle(self.room, command, self.now))

    def timed(self, commands: Sequence[c.Command]) -> float:
        """Run commands; return the seconds they took (refusals would be a broken benchmark)."""
        send, room, now = rules.handle, self.room, self.now
        started = time.perf_counter()
        for command in commands:
            now += 0.001
            for event in send(room, command, now):
                assert event.name != "error", event
            room.clean()  # as the service does once the changes are saved
        elapsed = time.perf_counter() - started
        self.now = now
        return elapsed

    def cycle(self, batch: int, totals: dict[str, float]) -> None:
        """Take `batch` people through the mix, adding each kind's seconds to `totals`."""
        guests = [self.audience.popleft() for _ in range(batch)]
        actors = [c.Actor(user) for user in guests]
        totals["ask"] += self.timed([c.AskToJoin(actor, "a question") for actor in actors])
        totals["approve"] += self.timed([c.BringToStage(HOST, user) for user in guests])
        before = set(self.room.stage)
        totals["join"] += self.timed([c.JoinStage(actor) for actor in actors])
        self.audience.extend(user for user in before if user not in self.room.stage)  # the evicted
        seated = list(self.room.stage)
        speakers = [c.Speak(c.Actor(self.random.choice(seated))) for _ in range(batch)]
        totals["speak"] += self.timed(speakers)
        removed = self.random.sample(seated, batch)
        totals["remove"] += self.timed([c.RemoveFromStage(HOST, user) for user in removed])
        self.audience.extend(removed)
        for _ in range(batch):  # refill the stage, untimed, so the next joins evict again
            user = self.audience.popleft()
            self.send(c.Invite(HOST, user))
            self.send(c.JoinStage(c.Actor(user)))


class SizeRun:
    """One room size being measured: its bench, batch, and best figures so far."""

    def __init__(self, people: int, on_stage: int) -> None:
        self.bench = Bench(people, on_stage)
        self.people, self.on_stage = people, on_stage
        self.batch = min(200, on_stage, people - on_stage)
        self.best = {kind: float("inf") for kind in MIX}

    def repetition(self, per_kind: int) -> None:
        """Run about `per_kind` commands of each kind; keep each kind's best mean."""
        totals = dict.fromkeys(MIX, 0.0)
        done = 0
        gc_was_on = gc.isenabled()
        gc.disable()  # a collection landing in one size's round would be charged to it alone
        try:
            while done < per_kind:
                self.bench.cycle(self.batch, totals)
                done += self.batch
        finally:
            if gc_was_on:
                gc.enable()
        for kind in MIX:
            self.best[kind] = min(self.best[kind], totals[kind] / done * 1e6)

    def result(self) -> SizeResult:
        return SizeResult(self.people, self.on_stage, {kind: round(value, 3) for kind, value in self.best.items()})


def measure_core(quick: bool = False, progress: Callable[[str], None] | None = None) -> dict[str, object]:
    """Measure every room size; return the JSON-ready figures with the scaling ratio."""
    per_kind, repetitions = (200, 2) if quick else (400, 25)
    sizes = SIZES[:2] + ((10_000, 1_000),) if quick else SIZES
    runs = []
    for people, on_stage in sizes:
        if progress:
            progress(f"core: building a room of {people:,} people, {on_stage:,} on stage")
        runs.append(SizeRun(people, on_stage))
    # Sizes take turns, repetition by repetition, so a busy moment on the machine
    # hits every size alike; each keeps its best.
    for repetition in range(repetitions):
        if progress:
            progress(f"core: repetition {repetition + 1} of {repetitions}")
        for run in runs:
            run.repetition(per_kind)
    results = [run.result() for run in runs]
    small, large = results[0], results[-1]
    ratio = large.mix / small.mix
    return {
        "unit": "microseconds per command (best-of mean)",
        "commands_per_kind": per_kind,
        "repetitions": repetitions,
        "sizes": [
            {"people": r.people, "on_stage": r.on_stage, "mix": round(r.mix, 3), "per_command": r.micros}
            for r in results
        ],
        "ratio": round(ratio, 3),
        "ratio_of": f"{large.people} / {small.people}",
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio <= TARGET_RATIO,
    }
