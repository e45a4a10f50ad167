"""`--explain` for the Hexagon global scheduler: every alternative considered, what it costs, why it lost.

`global_sched.compile_global` tries, per kernel, each *selection form* the selector offers
(`SelectionRewriter.forms`: the rewrite choices of rules/hexagon-choice-*.rules, such as a
small sum widened to words; an off-grid access by `valign` of aligned loads or by an
unaligned `vmemu`), each unroll factor
(`list_search.UNROLL_FACTORS`), and per loop body two *placements* (the modulo solver's schedule and
the list scheduler's placement as one stage), plus the list-scheduled straight-line code where
a factor unrolls the loop away. Each becomes a `Candidate` here, with the numbers it was ranked
by; `Explanation.render()` is the table `rewriter optimize K.ir --target hexagon --explain`
prints (cli.py only prints it).

Selection forms are also decided *inside* the solver: per unroll factor, the "mixed" body
(`mixed.py`) holds every form of every copy, one `Choice` per copy, and the solver picks the
forms together with the placement; `render_choices` prints each Choice, the alternative
taken, and the pure-form candidates of the same factor with their costs. Unroll factors are
compared after solving (each is another body: trip count, copies, registers). The
explanation says so (`Explanation.how`). Every placed body also gets its ALU ceiling
(`bounds.alu_ceiling`: ALU work / (ALU units x MII)): why a load-bound body cannot keep
the ALUs busy whatever the schedule.

Ranking (the same key `compile_global` keeps the winner by): fewest model cycles (the
kernel's II per iteration, stalls included), then fewest packets executed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: How the candidates were compared (printed under the table).
COMPARED_AFTER_SOLVING = ("selection forms: the 'mixed' rows are one loop body with a solver Choice per copy "
                          "(one alternative per selection form), decided in the same model as the placement; each pure "
                          "form is also solved alone, next to it; unroll factors are compared after solving "
                          "(other trip count, copies and registers)")


@dataclass(frozen=True)
class Candidate:
    """One alternative: a selection form at an unroll factor, placed one way. The modulo
    fields (`ii` ... `load_saturation`) are None for straight-line code; `packets` and
    `model_cycles` are None for a dropped candidate, whose `reason` says why."""

    form: str  # the selection form (one of SelectionRewriter.forms, or "mixed")
    unroll: int
    placement: str  # "cp-sat", "z3", "heuristic", "list" (one stage), "straight-line", "list code" (compile_list)
    packets: int | None = None  # packets the whole function executes (what QEMU counts)
    model_cycles: int | None = None
    elements: int = 1  # iteration-space elements the kernel computes (packets per element)
    ii: int | None = None
    ii_lower_bound: int | None = None
    res_mii: int | None = None
    rec_mii: int | None = None
    gap: float | None = None
    stages: int | None = None
    status: str = ""
    alu_saturation: float | None = None
    load_saturation: float | None = None
    seconds: float | None = None
    reason: str = ""  # why it was dropped (registers, too few iterations, ...)
    #: a mixed body's Choices: (choice name, the alternative the solver picked, all alternatives)
    choices: tuple = ()
    #: the highest ALU saturation any schedule of the emitted body reaches, and what bounds it
    alu_ceiling: float | None = None
    ceiling_why: str = ""

    @property
    def valid(self) -> bool:
        return self.model_cycles is not None

    @property
    def key(self) -> tuple:
        """The ranking key: model cycles, then packets."""
        return (self.model_cycles, self.packets)

    @property
    def packets_per_element(self) -> float | None:
        return None if self.packets is None else self.packets / max(1, self.elements)

    @property
    def label(self) -> str:
        return f"{self.form} x{self.unroll} {self.placement}"


def _num(v, fmt: str = "{}") -> str:
    return "-" if v is None else fmt.format(v)


#: The table's columns: header, cell of a candidate, right-aligned.
COLUMNS = (
    ("alternative", lambda c: c.label, False),
    ("II", lambda c: _num(c.ii), True),
    ("bound", lambda c: _num(c.ii_lower_bound), True),
    ("ResMII", lambda c: _num(c.res_mii), True),
    ("RecMII", lambda c: _num(c.rec_mii), True),
    ("gap", lambda c: _num(c.gap, "{:.1%}"), True),
    ("stages", lambda c: _num(c.stages), True),
    ("model cycles", lambda c: _num(c.model_cycles), True),
    ("packets", lambda c: _num(c.packets), True),
    ("pkt/elem", lambda c: _num(c.packets_per_element, "{:.4f}"), True),
    ("ALU sat", lambda c: _num(c.alu_saturation, "{:.0%}"), True),
    ("ALU ceil", lambda c: _num(c.alu_ceiling, "{:.0%}"), True),
    ("load sat", lambda c: _num(c.load_saturation, "{:.0%}"), True),
)


@dataclass
class Explanation:
    """Every candidate `compile_global` considered for one kernel, and which one it kept."""

    kernel: str
    candidates: list[Candidate] = field(default_factory=list)
    how: str = COMPARED_AFTER_SOLVING
    not_applicable: list[str] = field(default_factory=list)  # "form xN, ...: why the selector refused them"
    log: tuple = ()  # the chosen loop's solver search log

    @property
    def chosen(self) -> Candidate | None:
        valid = [c for c in self.candidates if c.valid]
        return min(valid, key=lambda c: c.key) if valid else None

    def ranked(self) -> list[Candidate]:
        """The chosen candidate first, then the other valid ones by cost, then the dropped."""
        best = self.chosen
        valid = sorted((c for c in self.candidates if c.valid and c is not best), key=lambda c: c.key)
        return ([best] if best else []) + valid + [c for c in self.candidates if not c.valid]

    def verdict(self, c: Candidate) -> str:
        """Why `c` won or lost, against the chosen candidate."""
        best = self.chosen
        if not c.valid:
            return f"dropped: {c.reason}"
        if c is best:
            return "chosen: fewest model cycles" + (", then fewest packets" if any(
                o.valid and o is not c and o.model_cycles == c.model_cycles for o in self.candidates) else "")
        more = c.model_cycles - best.model_cycles
        if more:
            return f"lost: +{more} model cycles (+{more / max(1, best.model_cycles):.1%})"
        if c.packets != best.packets:
            return f"lost: same model cycles, +{c.packets - best.packets} packets"
        return "lost: ties the chosen one (the first found is kept)"

    def render_choices(self) -> list[str]:
        """The Choices of the chosen body (or, if a pure form won, of the best mixed body) and
        the alternative the solver took for each, then the pure-form candidates of the same
        unroll factor with their costs."""
        mixed = [c for c in self.candidates if c.choices and c.valid]
        if not mixed:
            return []
        best = self.chosen if self.chosen in mixed else min(mixed, key=lambda c: c.key)
        role = "the chosen body" if best is self.chosen else "the best mixed body (not chosen)"
        out = [f"choices of {role}, {best.label}, decided with the placement in one model:"]
        out += [f"  {name}: {pick}  (alternatives: {', '.join(alts)})" for name, pick, alts in best.choices]
        pure = sorted((c for c in self.candidates if c.valid and c.unroll == best.unroll and c.form != "mixed"
                       and c.ii is not None), key=lambda c: c.key)
        out.append(f"  {best.label}: {best.model_cycles} model cycles, {best.packets} packets; pure forms at "
                   f"x{best.unroll}: " + ("; ".join(f"{c.label} {c.model_cycles} ({c.model_cycles - best.model_cycles:+d})"
                                                   for c in pure) or "none"))
        return out

    def render(self) -> str:
        """The table: one line per candidate (chosen first), then the chosen loop's numbers and
        the solver's search log."""
        rows = [[cell(c) for _, cell, _ in COLUMNS] + [self.verdict(c)] for c in self.ranked()]
        head = [h for h, _, _ in COLUMNS] + ["verdict"]
        right = [r for _, _, r in COLUMNS] + [False]
        widths = [max(len(x) for x in col) for col in zip(head, *rows)]

        def line(cells):
            return "  ".join((x.rjust(w) if r else x.ljust(w)) for x, w, r in zip(cells, widths, right)).rstrip()

        out = [f"{self.kernel}: {len(self.candidates)} candidates, chosen first", f"({self.how})", line(head)]
        out += [line(r) for r in rows]
        out += [f"not compiled: {n}" for n in self.not_applicable]
        best = self.chosen
        if best is None:
            out.append("no candidate compiled")
            return "\n".join(out) + "\n"
        out.append(f"chosen: {best.label}: {best.model_cycles} model cycles, {best.packets} packets "
                   f"({_num(best.packets_per_element, '{:.4f}')} per element of {best.elements})")
        if best.ii is not None:
            out.append(f"  II {best.ii}, lower bound {best.ii_lower_bound} (ResMII {best.res_mii}, RecMII "
                       f"{best.rec_mii}), gap {best.gap:.1%}, status {best.status}, {best.stages} stage(s), "
                       f"solved in {best.seconds:.2f} s")
            out.append(f"  steady state: ALU saturation {best.alu_saturation:.0%}, load saturation "
                       f"{best.load_saturation:.0%}")
            if best.alu_ceiling is not None:
                out.append(f"  ALU ceiling {best.alu_ceiling:.0%}: the most any schedule of this body reaches "
                           f"(ALU work / (ALU units x MII); MII set by {best.ceiling_why})")
        elif best.placement == "list code":
            out.append("  the list scheduler's loop (not software-pipelined): fewer model cycles than any pipelined body")
        else:
            out.append("  straight-line code: no loop to pipeline")
        out += self.render_choices()
        if self.log:
            out.append("solver search log (chosen loop):")
            out += [f"  {entry}" for entry in self.log]
        return "\n".join(out) + "\n"
