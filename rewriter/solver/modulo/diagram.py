"""The steady-state loop as a picture: one row per packet of the II window, one column per
unit of every resource, each busy cell labelled with the op that holds it, idle cells grey.
A person sees at a glance where the machine waits. Plain SVG text: no plotting dependency.
"""
from __future__ import annotations

from html import escape

from rewriter.solver.modulo.schedule import ModuloSchedule

_CELL_W, _CELL_H, _HEAD, _LEFT = 150, 26, 54, 70


def _columns(sched: ModuloSchedule) -> list[tuple[str, int]]:
    """(resource, unit index) per column: the machine's resources in its own order."""
    return [(r, u) for r, cap in sched.problem.machine.capacity.items() for u in range(cap)]


def _cells(sched: ModuloSchedule) -> dict:
    """(packet, resource, unit) -> op name: each op takes the lowest free units it uses."""
    out: dict = {}
    for name in sorted(sched.start, key=lambda n: (sched.start[n], n)):
        row = sched.start[name] % sched.ii
        for r, units in sched.problem.op(name).options[sched.option[name]].items():
            free = [u for u in range(sched.problem.machine.capacity[r]) if (row, r, u) not in out]
            for u in free[:units]:
                out[(row, r, u)] = name
    return out


def schedule_svg(sched: ModuloSchedule, title: str = "") -> str:
    cols = _columns(sched)
    cells = _cells(sched)
    width = _LEFT + _CELL_W * len(cols) + 10
    height = _HEAD + _CELL_H * sched.ii + 40
    head = title or sched.problem.machine.name
    summary = (f"II {sched.ii} (bound {sched.ii_lower_bound}), {sched.stages} stages, total {sched.total_cycles} "
               f"cycles (bound {sched.lower_bound}, gap {sched.gap:.1%}), ALU {sched.alu_saturation:.0%}, "
               f"load {sched.load_saturation:.0%} busy, {sched.status} ({sched.solver})")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="monospace" font-size="11">',
           f'<text x="8" y="16" font-size="13" font-weight="bold">{escape(head)}</text>',
           f'<text x="8" y="32">{escape(summary)}</text>']
    for j, (r, u) in enumerate(cols):
        x = _LEFT + j * _CELL_W
        out.append(f'<text x="{x + 4}" y="{_HEAD - 6}">{escape(r)}{u if sched.problem.machine.capacity[r] > 1 else ""}</text>')
    for row in range(sched.ii):
        y = _HEAD + row * _CELL_H
        out.append(f'<text x="8" y="{y + 17}">packet {row}</text>')
        for j, (r, u) in enumerate(cols):
            x = _LEFT + j * _CELL_W
            name = cells.get((row, r, u))
            fill = "#cfe8cf" if name else "#e4e4e4"
            out.append(f'<rect x="{x}" y="{y}" width="{_CELL_W - 2}" height="{_CELL_H - 2}" fill="{fill}"/>')
            if name:
                text = sched.problem.op(name).text or name
                stage = sched.start[name] // sched.ii
                label = f"{text[:18]} s{stage}" if sched.stages > 1 else text[:21]
                out.append(f'<text x="{x + 4}" y="{y + 17}">{escape(label)}</text>')
    out.append(f'<text x="8" y="{height - 12}">grey: idle unit; sN: the op belongs to the iteration started N windows earlier</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
