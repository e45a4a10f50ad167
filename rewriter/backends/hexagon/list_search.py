"""The list scheduler's search: the kernel through select -> schedule -> allocate -> emit once
per unroll factor, with and without loop rotation, and the fewest model cycles kept
(`compile_list`). The global scheduler's search (`global_sched.py`) takes this one's best as a
candidate too; `driver.compile_hexagon` picks between the two searches."""
from __future__ import annotations

import time

from rewriter.backends.hexagon.emit import HexagonCode, emit_asm
from rewriter.backends.hexagon.isa import MODEL
from rewriter.backends.hexagon.mir import HexagonUnsupported
from rewriter.backends.hexagon.regalloc import allocate
from rewriter.backends.hexagon.rotate import rotate_loads
from rewriter.backends.hexagon.schedule import (
    Schedule,
    ScheduleError,
    check_schedule,
    dependences,
    estimate_cycles,
    schedule_function,
)
from rewriter.backends.hexagon.selection import select
from rewriter.kernel.kernel import Kernel

#: How far past the first unplaced instruction the last register-pressure retries may place
#: one (`schedule.schedule_block`'s window): each is tried, the fewest packets that fit the
#: registers win (a transpose tile packs better with 40, a long body of loads needs 16).
IN_ORDER_WINDOWS = (40, 32, 16)
#: Loop unrolling factors tried, best model cycles wins (ties: the smaller code).
UNROLL_FACTORS = (1, 2, 4, 8)


def compile_list(simple: Kernel, portable, selector, unroll: int | None = None,
                 rotate: bool | None = None, deadline: float | None = None) -> HexagonCode:
    """The list-scheduled code of the simplified kernel `simple`: each factor of
    `UNROLL_FACTORS` that compiles (registers, offsets and the trip count allow it), with and
    without loop rotation (`rotate.py`), fewest model cycles wins; `unroll` and `rotate` fix
    either. `portable` simplifies what selection builds, `selector` holds the Hexagon target
    rules. `deadline` (time.monotonic()): no variant is started after it but the first.
    Raises `HexagonUnsupported` for kernels outside what the backend handles yet."""
    best, first_error, started = None, None, 0
    for factor in ([unroll] if unroll else UNROLL_FACTORS):
        for rot in ((False, True) if rotate is None else (rotate,)):
            if started and deadline is not None and time.monotonic() >= deadline:
                break
            started += 1
            try:
                code = _compile(simple, portable, selector, factor, rot)
            except HexagonUnsupported as e:
                first_error = first_error or e
                continue
            if code is not None and (best is None or code.model_cycles < best.model_cycles):
                best = code
    if best is None:
        raise first_error or HexagonUnsupported("loop rotation of this kernel")
    return best


def _compile(simple: Kernel, portable, selector, unroll: int, rotate: bool) -> HexagonCode | None:
    """One candidate: unrolled `unroll` times, loads rotated one iteration ahead or not
    (None: rotation does not apply)."""
    mf = select(simple, portable.normalize, selector, unroll)
    if rotate:
        mf = rotate_loads(mf)
        if mf is None:
            return None
    # The critical path first; in order where it needs too many registers; then in order
    # with a bounded lookahead (loads that would all start at once otherwise).
    fits, error = None, None
    deps = {b.name: dependences(b) for b in mf.blocks}
    for in_order, window in ((False, None), (True, None), *((True, w) for w in IN_ORDER_WINDOWS)):
        if fits is not None and fits[2] is None:
            break
        sched = schedule_function(mf, MODEL, in_order=in_order, window=window, deps=deps)
        problems = check_schedule(mf, sched, MODEL)
        if problems:  # the scheduler and the checker are independent: a bug in one shows here
            raise ScheduleError("hexagon: invalid schedule: " + "; ".join(problems))
        try:
            assignment = allocate(mf, sched, MODEL)
        except HexagonUnsupported as e:
            error = error or e
            continue
        if fits is None or _packets(sched) < _packets(fits[0]):
            fits = (sched, assignment, window)
    if fits is None:
        raise error
    sched, assignment, _ = fits
    cycles = estimate_cycles(mf, sched)
    notes = list(mf.notes) + [f"unroll x{unroll}{', rotated' if rotate else ''}: {cycles['packets']} packets of code, {cycles['total']} model cycles run"
                              + (f" ({cycles['loop_iteration']} per iteration x {mf.trip})" if mf.trip else "")]
    return HexagonCode(emit_asm(mf, sched, assignment), sched, cycles["total"], mf, cycles, notes, unroll=unroll)


def _packets(sched: Schedule) -> int:
    return sum(len(b.packets) for b in sched.blocks.values())


#: The assembler every emitted packet must satisfy (the Debian package that provides it).
