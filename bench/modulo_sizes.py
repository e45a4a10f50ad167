"""How fast the global scheduler is on loop bodies of a given size (issue 7's time goals:
64 instructions to a proven optimal II within 10 s; 300 instructions to a schedule with its
gap reported within 60 s).

    .venv/bin/python bench/modulo_sizes.py [--sizes 16,64,300] [--seed 1] [--limit 60]

Bodies are random but shaped like unrolled HVX loops: chains of load -> multiply -> add
trees -> store over a Hexagon-like machine (4 slots, 2 loads, 1 store, 2 multiplies,
2 ALUs, 1 shift, 1 permute; 32 vector registers); one chain in four ends in a loop-carried
accumulator.
"""
from __future__ import annotations

import argparse
import random
import time

from rewriter.solver.modulo import Dep, LoopProblem, Machine, SchedOp, ScheduleError, Value, check_schedule, solve

MACHINE = Machine("hvx-like", {"slot": 4, "load": 2, "store": 1, "mpy": 2, "alu": 4, "shift": 1, "permute": 1}, 4,
                  {"V": 32}, frozenset({"mpy", "alu", "shift", "permute"}), frozenset({"load"}))
LOAD, STORE = ("load", 1, {"load": 1}), ("store", 1, {"store": 1})
#: the middle of a chain, with weights: mostly ALU work and multiplies, some shifts/permutes
MIDDLE = [(("alu", 1, {"alu": 1}), 8), (("mpy", 2, {"mpy": 1}), 4), (("mpy2", 2, {"mpy": 2}), 2),
          (("shift", 1, {"shift": 1}), 1), (("permute", 2, {"permute": 1}), 1)]


def random_body(n: int, rng: random.Random, trips: int = 64) -> LoopProblem:
    ops, deps, vals = [], [], []
    chain_len = 8
    for c in range(max(1, n // chain_len)):
        prev = None
        for j in range(chain_len):
            if len(ops) >= n:
                break
            if j < 2 or j == chain_len - 1:
                kind, lat, res = LOAD if j < 2 else STORE
            else:
                kind, lat, res = rng.choices([k for k, _ in MIDDLE], [w for _, w in MIDDLE])[0]
            name = f"c{c}_{j}_{kind}"
            ops.append(SchedOp(name, lat, ({**res, "slot": 1},)))
            if kind != "store":
                vals.append(Value(name, "V", 2 if kind == "mpy2" else 1))
            if j >= 2 and prev is not None:
                deps.append(Dep(prev[0], name, prev[1]))
                if j == 2:
                    deps.append(Dep(ops[-3].name, name, 1))
            if kind == "alu" and j == chain_len - 2 and c % 4 == 0:
                deps.append(Dep(name, name, lat, 1))  # an accumulator (one chain in four)
            prev = (name, lat)
    return LoopProblem(tuple(ops), tuple(deps), MACHINE, tuple(vals), trips=trips)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="16,64,300")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--solver", default="cp-sat")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    print("| ops | II | II lower bound | total | lower bound | gap | status | seconds |")
    print("|---:|---:|---:|---:|---:|---:|---|---:|")
    for n in map(int, args.sizes.split(",")):
        p = random_body(n, rng)
        t = time.monotonic()
        try:
            s = solve(p, time_limit=args.limit, solver=args.solver)
        except ScheduleError as e:
            print(f"| {len(p.ops)} | - | - | - | - | - | {e} | {time.monotonic() - t:.2f} |")
            continue
        assert not check_schedule(s)
        print(f"| {len(p.ops)} | {s.ii} | {s.ii_lower_bound} | {s.total_cycles} | {s.lower_bound} | {s.gap:.1%} | "
              f"{s.status} | {time.monotonic() - t:.2f} |")


if __name__ == "__main__":
    main()
