"""A modulo schedule as the page draws it: packets x issue slots (each op coloured by the
unit it takes), packets x resource units (the fullest resource highlighted), and the
registers live in each packet of the steady state."""
from __future__ import annotations

from rewriter.solver.modulo.bounds import binding_bound
from rewriter.solver.modulo.schedule import lifetimes
from rewriter.viz.model import ScheduleView, SlotCell

#: Which resource names an op's colour, most telling first: a load also takes a vector ALU
#: unit on HVX, but "load" is what a reader wants to see. An op with none of these is scalar.
UNIT_ORDER = ("ld", "st", "mpy0", "mpy1", "shift", "xlane")


def schedule_view(report, explanation: str = "") -> ScheduleView:
    """From a target's `GlobalReport` (its `schedule` is the ModuloSchedule placed)."""
    s = report.schedule
    p, ii = s.problem, s.ii
    cap = p.machine.capacity
    slots, units = [], {}
    for row, names in enumerate(s.packets()):
        cells = []
        for name in names:
            opt = p.op(name).options[s.option[name]]
            unit = next((r for r in UNIT_ORDER if r in opt), "scalar")
            cells.append(SlotCell(name, p.op(name).text or name, unit, s.start[name], s.start[name] // ii))
            for r, n in opt.items():
                units.setdefault((row, r), []).extend([name] * n)
        slots.append(tuple(cells))
    saturation = {r: s.saturation([r]) for r in cap}
    _, why = binding_bound(p)
    critical = _critical(why, saturation)
    return ScheduleView(report.line(), ii, s.ii_lower_bound, s.stages, s.total_cycles, s.lower_bound, s.gap,
                        s.status, s.solver, p.machine.issue_width, tuple(slots), tuple(cap.items()),
                        {k: tuple(v) for k, v in units.items()}, saturation, critical, why,
                        pressure(p, ii, s.start), dict(p.machine.registers), explanation)


def _critical(why: str, saturation: dict) -> tuple[str, ...]:
    """The resources that set the II bound (`binding_bound` names a resource group as
    "a+b: N units / M per cycle"); where the bound is not a resource's (the issue width, a
    recurrence, the packet floor), the fullest resources of the schedule."""
    named = tuple(r for r in why.split(":", 1)[0].split("+") if r in saturation)
    if named:
        return named
    top = max(saturation.values(), default=0.0)
    return tuple(r for r, v in saturation.items() if top > 0 and v == top)


def pressure(problem, ii: int, start: dict) -> dict:
    """Register class -> registers live in each packet of the steady state (the same
    lifetimes the schedule checker counts: `schedule.lifetimes`)."""
    live: dict = {cls: [0] * ii for cls in problem.machine.registers}
    for cls, size, first, end in lifetimes(problem, ii, start):
        for c in range(first, end):
            live[cls][c % ii] += size
    return {cls: tuple(row) for cls, row in live.items()}
