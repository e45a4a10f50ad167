"""`compile_global` (`compile_hexagon(..., scheduler="global")`): the loop placed by the global modulo solver.

Per selection form (`SelectionRewriter.forms`) and unroll factor the selector produces a
`MachineFunction`; its loop body becomes a
`LoopProblem` (`pipeline_problem.py`), `rewriter.solver.modulo.solve` places every instruction (packet
row, issue option, stage) within a time limit, `pipeline_emit.pipeline` writes prologue /
kernel / epilogue, and the result passes the backend's `check_schedule` before registers are
allocated and assembly is emitted. Besides the solver's schedule, the list scheduler's
placement as a one-stage modulo schedule (`list_modulo`) and, at a factor that unrolls the loop
away, the list-scheduled straight-line code are candidates. A candidate that does not fit
(registers, too few iterations for its stages) is dropped with a note; the rest are ranked by
model cycles (the kernel's II per iteration, stalls included), then packets. Every candidate,
kept, beaten or dropped, is recorded in `HexagonCode.explanation` (`explain.py`, `--explain`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from itertools import product
from typing import Callable

from rewriter.backends.hexagon.emit import HexagonCode, emit_asm
from rewriter.backends.hexagon.list_search import UNROLL_FACTORS, compile_list
from rewriter.backends.hexagon.explain import Candidate, Explanation
from rewriter.backends.hexagon.isa import MODEL
from rewriter.backends.hexagon.mir import HexagonUnsupported
from rewriter.backends.hexagon.mixed import mixed_body, mixed_problem, projected_schedule
from rewriter.backends.hexagon.pipeline_emit import pipeline
from rewriter.backends.hexagon.packing import packing_bound
from rewriter.backends.hexagon.pipeline_problem import op_name, pipeline_problem
from rewriter.backends.hexagon.regalloc import allocate

# (`_carried_length`: the list scheduler's own back-edge latency rule, reused so that the
# fallback's II is exactly the iteration length the list path assumes)
from rewriter.backends.hexagon.schedule import ScheduleError, _carried_length, check_schedule, schedule_block
from rewriter.backends.hexagon.select import MAX_UNROLLED_REDUCE, SelectionRewriter
from rewriter.backends.hexagon.selection import select
from rewriter.errors import RewriterError
from rewriter.kernel.kernel import Kernel
from rewriter.rewrite.engine import Rewriter
from rewriter.solver.modulo import FALLBACK, LoopProblem, ModuloSchedule, solve
from rewriter.solver.modulo import check_schedule as check_modulo
from rewriter.solver.modulo.bounds import alu_ceiling, mii, rec_mii, res_mii, total_lower_bound

#: Seconds the solver may spend on one candidate loop body.
DEFAULT_TIME_LIMIT = 2.0
#: The whole search (every candidate: selection, solver, heuristics, list scheduling,
#: allocation) ends once it has taken this many time limits, or one per candidate body where
#: there are fewer (`compile_global`): 32 s at the default limit, so that a kernel compiles
#: within a minute with the LLVM comparison and QEMU runs around it.
SEARCH_LIMITS = 16
#: --explain's reason for a loop not placed because its lower bound cannot beat the best.
PRUNED = "pruned: the loop's lower bound is above the best candidate's model cycles"


@dataclass(frozen=True)
class GlobalReport:
    """What the global schedule of the chosen candidate achieved (for --explain, the bench)."""

    unroll: int
    ii: int
    ii_lower_bound: int
    stages: int
    total_cycles: int  # the modulo model's (trips + stages - 1) * II of the loop
    lower_bound: int
    gap: float
    status: str
    alu_saturation: float
    load_saturation: float
    seconds: float
    packets: int  # packets the whole function executes (prologue + kernel x trips + epilogue)
    model_cycles: int  # the same with the model's stalls: the kernel counts II per iteration
    solver: str = ""  # who placed the loop: "cp-sat", "heuristic", or "list" (the fallback)
    schedule: ModuloSchedule | None = field(default=None, compare=False, repr=False)
    #: the highest ALU saturation any schedule of the emitted body can reach, and the bound
    #: that limits it (`bounds.alu_ceiling`)
    alu_ceiling: float = 0.0
    ceiling_why: str = ""
    form: str = "native"  # the selection form, or "mixed" (a Choice per copy)
    picks: tuple = ()  # for a mixed body: "copy0: native", ... (the solver's picks)

    @classmethod
    def of(cls, unroll: int, ms: ModuloSchedule, piped, form: str = "native", picks: tuple = ()) -> "GlobalReport":
        ceiling, why = alu_ceiling(ms.problem, ms.ii_lower_bound)
        return cls(unroll, ms.ii, ms.ii_lower_bound, ms.stages, ms.total_cycles, ms.lower_bound, ms.gap,
                   ms.status, ms.alu_saturation, ms.load_saturation, ms.seconds, piped.packets_executed,
                   piped.model_cycles, ms.solver, ms, ceiling, why, form, picks)

    def line(self) -> str:
        return (f"global schedule (unroll x{self.unroll}, {self.solver}): II {self.ii} (bound {self.ii_lower_bound}), "
                f"{self.stages} stage(s), loop {self.total_cycles} cycles (bound {self.lower_bound}, gap "
                f"{self.gap:.1%}, {self.status}), ALU saturation {self.alu_saturation:.0%} (ceiling "
                f"{self.alu_ceiling:.0%}, {self.ceiling_why}), load saturation "
                f"{self.load_saturation:.0%}, {self.packets} packets, {self.model_cycles} model cycles, solved in "
                f"{self.seconds:.1f} s" + (f"; picks: {', '.join(self.picks)}" if self.picks else ""))


def list_modulo(problem: LoopProblem, mf, model=MODEL) -> ModuloSchedule | None:
    """The list scheduler's placement of the loop body as a one-stage modulo schedule (II =
    its length, stretched to the latencies carried across the back edge), with an issue
    option per op found packet by packet: the fallback when the solver's schedules do not
    fit, and the honest baseline the solver is compared with. None if the checker rejects it."""
    bs = schedule_block(mf.loop, model, cyclic=True)
    ii = max(1, bs.length, _carried_length(mf.loop, bs))
    start, option = {}, {}
    for packet, cycle in zip(bs.packets, bs.cycles):
        ops = [problem.ops[k] for k in packet]
        for combo in product(*[range(len(o.options)) for o in ops]):
            used: dict = {}
            for o, c in zip(ops, combo):
                for r, u in o.options[c].items():
                    used[r] = used.get(r, 0) + u
            if all(u <= problem.machine.capacity[r] for r, u in used.items()):
                break
        else:
            return None
        for k, c in zip(packet, combo):
            start[op_name(k)], option[op_name(k)] = cycle, c
    ms = ModuloSchedule(problem, ii, start, option, status=FALLBACK, solver="list",
                        lower_bound=total_lower_bound(problem, mii(problem)), ii_lower_bound=mii(problem))
    return None if check_modulo(ms) else ms


def kernel_elements(kernel: Kernel) -> int:
    """The elements of the kernel's iteration space that `packets per element` divides by:
    the product of its ranges, leaving out the small reduce ranges the selector unrolls
    (sum3's three taps, a 3x3 filter): outputs for elementwise kernels and stencils, products
    for dot and matmul."""
    n = 1
    for r in kernel.ranges:
        if not (r.reduce and r.size <= MAX_UNROLLED_REDUCE):
            n *= r.size
    return n


def _candidate(form: str, factor: int, ms: ModuloSchedule, problem: LoopProblem, elements: int,
               piped=None, reason: str = "", choices: tuple = (), emitted: LoopProblem | None = None) -> Candidate:
    """The explanation's record of one placed loop body (`piped` None: dropped, `reason` why).
    `problem` is the body the solver searched (its bounds are the II bound's), `emitted` the
    body emitted where that differs (a mixed body's projection on the picks: its ALU ceiling
    is the chosen body's); `choices` what the solver picked per Choice."""
    ceiling, why = alu_ceiling(emitted or problem, ms.ii_lower_bound)
    return Candidate(form, factor, ms.solver, piped.packets_executed if piped else None,
                     piped.model_cycles if piped else None, elements, ms.ii, ms.ii_lower_bound,
                     res_mii(problem), rec_mii(problem), ms.gap, ms.stages, ms.status, ms.alu_saturation,
                     ms.load_saturation, ms.seconds, reason, choices, ceiling, why)


def _mixed_choices(problem: LoopProblem, ms: ModuloSchedule) -> tuple:
    """(choice name, picked alternative, every alternative) per Choice of the mixed body."""
    return tuple((c.name, c.label(k), c.labels) for c, k in zip(problem.choices, ms.picks))


def _place(mf, problem: LoopProblem, schedules, label: tuple, elements: int, explanation: Explanation,
           dropped: list, best, choices: tuple = (), picks: tuple = (), searched: LoopProblem | None = None):
    """Pipeline, check, allocate and rank each modulo schedule of one loop body (`label` =
    (form, factor)); records a `Candidate` per schedule and returns the best so far."""
    form, factor = label
    for ms in schedules:
        if check_modulo(ms):  # (neither source hands out one the checker rejects)
            raise ScheduleError(f"hexagon: the modulo schedule fails its checker: {check_modulo(ms)[0]}")
        for merge in (True, False):
            piped = pipeline(mf, ms, MODEL, merge)
            if piped is None:
                why = f"{mf.trip} iterations < {ms.stages} stages"
                dropped.append(f"{form} x{factor} ({ms.solver}): {why}")
                explanation.candidates.append(_candidate(form, factor, ms, searched or problem, elements,
                                                         reason=why, choices=choices, emitted=problem))
                break
            problems = check_schedule(piped.machine, piped.schedule, MODEL)
            if problems:  # two independent derivations of the constraints disagree: a bug
                raise ScheduleError("hexagon: invalid pipelined schedule: " + "; ".join(problems))
            try:
                assignment = allocate(piped.machine, piped.schedule, MODEL)
            except HexagonUnsupported as e:
                if not merge:
                    dropped.append(f"{form} x{factor} ({ms.solver}): {e}")
                    explanation.candidates.append(_candidate(form, factor, ms, searched or problem, elements,
                                                             reason=str(e).splitlines()[0], choices=choices,
                                                             emitted=problem))
                continue
            report = GlobalReport.of(factor, ms, piped, form, picks)
            explanation.candidates.append(_candidate(form, factor, ms, searched or problem, elements, piped,
                                                     choices=choices, emitted=problem))
            if best is None or (report.model_cycles, report.packets) < best[0]:
                best = ((report.model_cycles, report.packets), (report, piped, assignment, form))
            break
    return best


def _mixed(simple, portable, selector, factor: int, forms: tuple, time_limit: float, elements: int,
           explanation: Explanation, dropped: list, logs: dict, refused: dict, best, exhaustive: bool = False):
    """The mixed body at this factor (a `Choice` per copy among `forms`, `mixed.py`): solved as
    one problem, projected on the picks, the projection re-checked by the independent checker,
    then placed like any other body."""
    try:
        body = mixed_body(simple, portable.normalize, selector, factor, forms)
    except HexagonUnsupported as e:
        refused.setdefault(str(e).splitlines()[0], []).append(f"mixed x{factor}")
        return best
    problem = mixed_problem(body, MODEL)
    if best is not None and total_lower_bound(problem, mii(problem)) > best[0][0] and not exhaustive:
        refused.setdefault(PRUNED, []).append(f"mixed x{factor}")
        return best
    try:
        ms = solve(problem, time_limit)
    except RewriterError as e:
        dropped.append(f"mixed x{factor}: {str(e).splitlines()[0]}")
        explanation.candidates.append(Candidate("mixed", factor, "solver", elements=elements,
                                                reason=str(e).splitlines()[0]))
        return best
    logs[("mixed", factor)] = ms.log
    mf, chosen_problem, chosen = projected_schedule(body, ms, MODEL)
    bad = check_modulo(chosen)
    if bad:  # the mixed body's dependences missed one the picked program has: a bug
        raise ScheduleError(f"hexagon: the mixed body's schedule fails the checker on its picks: {bad[0]}")
    choices = _mixed_choices(problem, ms)
    picks = tuple(f"{name}: {pick}" for name, pick, _ in choices)
    return _place(mf, chosen_problem, [chosen], ("mixed", factor), elements, explanation, dropped, best,
                  choices, picks, searched=problem)


def _list_candidate(simple: Kernel, portable, selector, factor: int, elements: int, explanation, best):
    """`best` or, where it executes fewer model cycles, the list scheduler's code at `factor`
    (recorded in `explanation` as a "list code" candidate)."""
    try:
        listed = compile_list(simple, portable, selector, unroll=factor)
    except HexagonUnsupported:
        return best
    if not listed.machine.trip:
        return best
    executed = sum(len(listed.schedule.blocks[b.name].packets) * (listed.machine.trip if b is listed.machine.loop else 1)
                   for b in listed.machine.blocks)
    explanation.candidates.append(Candidate("native", listed.unroll, "list code", executed, listed.model_cycles,
                                            elements))
    key = (listed.model_cycles, executed)
    return (key, listed) if key < best[0] else best


def compile_global(kernel: Kernel, library, unroll: int | None = None,
                   time_limit: float = DEFAULT_TIME_LIMIT, forms: tuple | None = None, *,
                   simplified: Kernel | None = None, portable=None,
                   progress: Callable[[int, int, str], None] | None = None, exhaustive: bool = False):
    """Like `compile_list`, with the loop body software-pipelined by the modulo solver.
    Every alternative tried (selection form of `forms` x unroll factor x placement, and per
    factor the mixed body where the solver picks a form per copy) is recorded in the
    returned code's `explanation` (`explain.Explanation`, for --explain). `simplified` and
    `portable` are the pipeline's simplified kernel and its rewriter (by default the greedy
    engine over `library`). `progress(tried, total, candidate)` is told as each candidate
    step starts (the caller's display: a search may take `time_limit` per candidate body).
    The search selects every candidate first, then places the loops lowest lower bound
    first, and does not place one whose bound is above the best model cycles found (the
    cut is exact: such a loop cannot win). The whole search ends after `time_limit` times
    `SEARCH_LIMITS` (or the number of candidate bodies, where fewer): the steps not started
    by then are skipped, and so are the list scheduler's factors where no candidate was
    placed (the target then falls back to LLVM's code). `exhaustive`: no cut, every loop is
    placed (a comparison of every alternative; the tests that the cut changes nothing)."""
    portable = portable or Rewriter(library.portable())
    selector = SelectionRewriter(library)
    forms = selector.forms if forms is None else forms
    simple = simplified or kernel.with_stores(portable.normalize(s) for s in kernel.stores)
    elements = kernel_elements(kernel)
    explanation = Explanation(kernel.name)
    logs: dict = {}  # (form, factor) -> the solver's search log on that body
    refused: dict = {}  # the selector's refusal -> the (form, factor)s it refused
    best, first_error, dropped = None, None, []
    factors = [unroll] if unroll else list(UNROLL_FACTORS)
    mixed = "native" in forms and len(forms) > 1
    bodies = len(forms) * len(factors) + (len(factors) if mixed else 0)
    total = len(forms) * len(factors) + bodies  # progress steps: each selection, then each body placed
    tried = 0
    # The whole search is bounded: `time_limit` a candidate body, at most SEARCH_LIMITS of
    # them, selection, heuristics and list scheduling included. Once the time is spent the
    # candidates not started are skipped (--explain lists them), which is why the bodies are
    # placed best lower bound first.
    deadline = time.monotonic() + time_limit * min(bodies, SEARCH_LIMITS)

    def tell(label: str, step: str = "", first: bool = False) -> float | None:
        """Start `step` of candidate `label`: its solver seconds, or None when the time is
        spent (`first`: the first loop placed, which starts whatever the time, so that a
        search whose selections took the time still places its most promising loop)."""
        nonlocal tried
        if progress is not None:
            progress(min(tried, total), total, label + step)
        tried += 1
        left = deadline - time.monotonic()
        if first:
            return max(min(time_limit, left), min(time_limit, 1.0))
        if left <= 0:
            refused.setdefault(f"skipped: the search's time ({min(bodies, SEARCH_LIMITS)} x --time-limit "
                               f"{time_limit:g} s) was spent", []).append(label)
            return None
        return min(time_limit, left)

    # Selection first: each form at each factor, and the lower bound of its loop's cycles.
    pending = []  # (lower bound, order, form, factor, machine function, its loop problem)
    for form in forms:
        for factor in factors:
            if tell(f"{form} x{factor}") is None:
                continue
            try:
                mf = select(simple, portable.normalize, selector, factor, form)
            except HexagonUnsupported as e:
                if form == forms[0]:
                    first_error = first_error or e
                refused.setdefault(str(e).splitlines()[0], []).append(f"{form} x{factor}")
                continue
            if not mf.trip or not mf.loop.insns:
                # Straight-line code at this factor (the loop unrolled away): nothing to pipeline,
                # the list scheduler's code is the candidate.
                code = compile_list(simple, portable, selector, unroll=factor, rotate=False) if form == "native" \
                    else None
                if code is None:  # (compile_list selects the native form only)
                    refused.setdefault("straight-line code is compiled in the native form only", []).append(
                        f"{form} x{factor}")
                    continue
                explanation.candidates.append(Candidate(form, factor, "straight-line", code.cycles["packets"],
                                                        code.model_cycles, elements))
                key = (code.model_cycles, code.cycles["packets"])
                if best is None or key < best[0]:
                    best = (key, code)
                continue
            # (Without the packing bound's II floor: a CP-SAT model of its own, seconds on a
            # body of many instruction kinds, computed below for the loops placed only.)
            problem = pipeline_problem(mf, MODEL, floor=False)
            pending.append((total_lower_bound(problem, mii(problem)), len(pending), form, factor, mf, problem))
    tried += len(forms) * len(factors) - len(pending)  # (no placement step where selection ended it)
    # Then the loops, the most promising (lowest bound) first; a loop whose bound is above the
    # best candidate's model cycles cannot win and is not placed (an exact cut, no guess).
    for k, (bound, _, form, factor, mf, problem) in enumerate(sorted(pending, key=lambda p: p[:2])):
        if best is not None and bound > best[0][0] and not exhaustive:
            refused.setdefault(PRUNED, []).append(f"{form} x{factor}")
            tried += 1
            continue
        share = tell(f"{form} x{factor}", " placement", first=k == 0)
        if share is None:
            continue
        problem = replace(problem, ii_floor=packing_bound([i.desc for i in mf.loop.insns], MODEL))
        if best is not None and total_lower_bound(problem, mii(problem)) > best[0][0] and not exhaustive:
            refused.setdefault(PRUNED, []).append(f"{form} x{factor}")
            continue
        candidates = []
        try:
            candidates.append(solve(problem, share))
            logs[(form, factor)] = candidates[-1].log
        except RewriterError as e:
            dropped.append(f"{form} x{factor}: {str(e).splitlines()[0]}")
            explanation.candidates.append(Candidate(form, factor, "solver", elements=elements,
                                                    reason=str(e).splitlines()[0]))
        fallback = list_modulo(problem, mf, MODEL)
        if fallback is not None:
            candidates.append(fallback)
        best = _place(mf, problem, candidates, (form, factor), elements, explanation, dropped, best)
    if mixed:
        for factor in factors:
            share = tell(f"mixed x{factor}", " placement")
            if share is not None:
                best = _mixed(simple, portable, selector, factor, tuple(forms), share, elements, explanation,
                              dropped, logs, refused, best, exhaustive)
    if best is not None and "native" in forms and explanation.chosen is not None:
        # The list scheduler's own code (with and without its loads rotated one iteration
        # ahead) is a candidate too, at the factors where the pipeliner may have lost to it:
        # the best candidate's factor where the solver placed nothing better than the
        # heuristic (`list_modulo`'s II adds the back edge's latency, the straight-line
        # schedule does not overlap it), and every native factor whose candidates were all
        # dropped (registers ran out in the modulo schedule, which the list schedule's
        # shorter lifetimes may fit; not the factors the selector refused or the time left
        # out). So the global scheduler never ships more model cycles than `--scheduler list`
        # would at those factors.
        native = [c for c in explanation.candidates if c.form == "native"]
        retry = {c.unroll for c in native if c.packets is None} - {c.unroll for c in native if c.packets is not None}
        if explanation.chosen.placement == "heuristic":
            retry.add(explanation.chosen.unroll)
        for factor in sorted(retry):
            best = _list_candidate(simple, portable, selector, factor, elements, explanation, best)
    if progress is not None:
        progress(total, total, "")
    explanation.not_applicable = [f"{', '.join(labels)}: {why}" for why, labels in refused.items()]
    if best is None:
        if first_error is not None and not dropped:
            raise first_error
        code = compile_list(simple, portable, selector, unroll=unroll, deadline=deadline)
        code.notes.append("global scheduler: no candidate pipelined (" + "; ".join(dropped or ["no loop"])
                          + "); list-scheduled code")
        code.explanation = explanation
        return code
    chosen = explanation.chosen
    explanation.log = logs.get((chosen.form, chosen.unroll), ())
    if isinstance(best[1], HexagonCode):
        best[1].notes.append("global scheduler: the list scheduler's loop was best" if best[1].machine.trip
                             else "global scheduler: straight-line code (no loop at this unroll factor) was best")
        best[1].explanation = explanation
        return best[1]
    report, piped, assignment, form = best[1]
    notes = list(piped.machine.notes) + [f"selection form: {form}", report.line()] \
        + [f"solver: {line}" for line in report.schedule.log] + [f"dropped {d}" for d in dropped]
    cycles = {"packets": report.packets, "total": report.model_cycles, "loop_iteration": report.ii}
    return HexagonCode(emit_asm(piped.machine, piped.schedule, assignment), piped.schedule, report.model_cycles,
                       piped.machine, cycles, notes, modulo=report, explanation=explanation)
