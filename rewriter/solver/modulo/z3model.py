"""The exact model: one Z3 query per initiation interval, deciding together which alternative
implements each choice, the cycle and issue option (slot, unit) of every op, under
dependences, per-packet resources and issue width, and register pressure (MaxLive per class).

For a fixed II the variables are
  t_i        the issue cycle of op i in the flat schedule (an Int, 0 <= t_i < horizon),
  q_i, r_i   t_i = II * q_i + r_i with 0 <= r_i < II (r_i: its packet in the steady state),
  x_i,c      r_i == c, one-hot (the pseudo-Boolean resource sums are over these),
  y_i,k      op i issues with option k, one-hot,
  z_c,a      choice c takes alternative a, one-hot; an op of alternative a is issued iff z_c,a,
  e_v        the end of value v's lifetime (>= every issued use's t + II * distance).
Register pressure: a lifetime [t_v, e_v) of length II * lq_v + lm_v (0 <= lm_v < II) covers
packet c lq_v times, plus once more when (c - r_v) mod II < lm_v; the sum over values of a
class, times their size, stays within the register file in every packet.

`solve_ii` finds a schedule and then tightens the iteration length (L <= best - 1) until Z3
answers unsat (the length is optimal for this II) or time runs out.
"""
from __future__ import annotations

import time

import z3

from rewriter.solver.modulo.problem import LoopProblem
from rewriter.solver.modulo.schedule import FEASIBLE, ModuloSchedule

SAT, UNSAT, UNKNOWN = "sat", "unsat", "unknown"


class _Model:
    def __init__(self, problem: LoopProblem, ii: int, horizon: int, registers: str = "exact"):
        self.p, self.ii, self.horizon = problem, ii, horizon
        self.with_registers = registers
        self.s = z3.Solver()
        self.t, self.r, self.x, self.y, self.z = {}, {}, {}, {}, []
        self.issued = {}
        self._build()

    def _build(self):
        p, ii, s = self.p, self.ii, self.s
        for ci, c in enumerate(p.choices):
            zs = [z3.Bool(f"z_{ci}_{a}") for a in range(len(c.alternatives))]
            self.z.append(zs)
            s.add(z3.PbEq([(b, 1) for b in zs], 1))
        where = p.choice_of()
        for o in p.ops:
            n = o.name
            self.issued[n] = self.z[where[n][0]][where[n][1]] if n in where else z3.BoolVal(True)
            t = self.t[n] = z3.Int(f"t_{n}")
            q, r = z3.Int(f"q_{n}"), z3.Int(f"r_{n}")
            self.r[n] = r
            s.add(t >= 0, t < self.horizon, r >= 0, r < ii, q >= 0, t == ii * q + r)
            xs = self.x[n] = [z3.Bool(f"x_{n}_{c}") for c in range(ii)]
            for c, b in enumerate(xs):
                s.add(b == (r == c))
            ys = self.y[n] = [z3.Bool(f"y_{n}_{k}") for k in range(len(o.options))]
            s.add(z3.PbEq([(b, 1) for b in ys], 1))
        for d in p.deps:
            s.add(z3.Implies(z3.And(self.issued[d.src], self.issued[d.dst]),
                             self.t[d.dst] + ii * d.distance - self.t[d.src] >= d.latency))
        for c in range(ii):
            s.add(z3.PbLe([(z3.And(self.issued[o.name], self.x[o.name][c]), 1) for o in p.ops],
                          p.machine.issue_width))
            for res, cap in p.machine.capacity.items():
                terms = [(z3.And(self.issued[o.name], self.x[o.name][c], self.y[o.name][k]), opt[res])
                         for o in p.ops for k, opt in enumerate(o.options) if opt.get(res, 0)]
                if terms and sum(w for _, w in terms) > cap:
                    s.add(z3.PbLe(terms, cap))
        if self.with_registers != "none":
            self._registers(exact=self.with_registers == "exact")

    def _registers(self, exact: bool):
        """Register pressure: the aggregate (register-cycles of a window <= II x the file),
        and with `exact` the count in every packet."""
        p, ii, s = self.p, self.ii, self.s
        by_class: dict = {}
        spans: dict = {}
        for v in p.values:
            n = v.op
            e = z3.Int(f"e_{n}")
            s.add(e >= self.t[n] + 1)
            for d in p.uses_of(n):
                s.add(z3.Implies(self.issued[d.dst], e >= self.t[d.dst] + ii * d.distance))
            spans.setdefault(v.reg_class, []).append(z3.If(self.issued[n], v.size * (e - self.t[n]), 0))
            if not exact:
                continue
            lq, lm = z3.Int(f"lq_{n}"), z3.Int(f"lm_{n}")
            s.add(lq >= 0, lm >= 0, lm < ii, e - self.t[n] == ii * lq + lm)
            by_class.setdefault(v.reg_class, []).append((v, lq, lm))
        for cls, terms in spans.items():
            s.add(z3.Sum(terms) <= p.machine.registers[cls] * ii)
        for cls, vals in by_class.items():
            cap = p.machine.registers[cls]
            for c in range(ii):
                live = []
                for v, lq, lm in vals:
                    r = self.r[v.op]
                    delta = z3.If(r <= c, c - r, c - r + ii)
                    live.append(z3.If(self.issued[v.op], v.size * (lq + z3.If(delta < lm, 1, 0)), 0))
                s.add(z3.Sum(live) <= cap)

    def length_at_most(self, bound: int):
        for o in self.p.ops:
            self.s.add(z3.Implies(self.issued[o.name], self.t[o.name] <= bound - 1))

    def decode(self, m) -> ModuloSchedule:
        picks = tuple(next(a for a, b in enumerate(zs) if z3.is_true(m.eval(b, model_completion=True)))
                      for zs in self.z)
        start, option = {}, {}
        for o in self.p.ops:
            if not z3.is_true(m.eval(self.issued[o.name], model_completion=True)):
                continue
            start[o.name] = m.eval(self.t[o.name], model_completion=True).as_long()
            option[o.name] = next(k for k, b in enumerate(self.y[o.name])
                                  if z3.is_true(m.eval(b, model_completion=True)))
        return ModuloSchedule(self.p, self.ii, start, option, picks, FEASIBLE, "z3")


def solve_ii(problem: LoopProblem, ii: int, horizon: int, deadline: float, *, best_length: int | None = None,
             registers: str = "exact", accept=None, first: bool = False):
    """(status, schedule, length_proven_optimal) for this II. `best_length` (exclusive upper
    bound) asks only for schedules shorter than one already known; `registers` is "exact",
    "total" (only the aggregate register bound: a relaxation, so its unsat is the model's
    unsat) or "none";
    with `accept`, only approved schedules count (the shortest found; with `first`, the
    first); the length is proven optimal only when the last one was approved."""
    m = _Model(problem, ii, horizon, registers)
    if best_length is not None:
        m.length_at_most(best_length - 1)
    found, optimal, last_approved = None, False, True
    tried = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0.01:
            break
        m.s.set("timeout", max(1, int(left * 1000)))
        res = m.s.check()
        if res == z3.sat:
            tried = True
            sched = m.decode(m.s.model())
            approved = accept is None or accept(sched)
            if approved:
                found = sched
                if first:
                    return SAT, sched, False
            last_approved = approved
            m.length_at_most(sched.length - 1)
            continue
        if res == z3.unsat:
            optimal = last_approved
            if found is None and not tried:
                return UNSAT, None, False
        break
    if found is not None:
        return SAT, found, optimal
    return UNKNOWN, None, False
