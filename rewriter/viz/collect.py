"""Gather a `VizReport` for one kernel and target: the pipeline's result (`optimize`) plus
the rewrite steps, traced by the engine's own `--explain` mechanism (`Rewriter(trace=True)`,
as `rewriter simplify --explain` uses it) on the kernel's stores.

The trace is a second run of the same rewriter over the same library (the pipeline keeps no
trace); both engines are deterministic for the greedy case, and the page says so if the
traced result ever differs from the pipeline's.
"""
from __future__ import annotations

from collections import deque

from rewriter.dsl.source import read_source
from rewriter.errors import RewriterError
from rewriter.ir.printer import format_uop
from rewriter.kernel.kernel import Kernel
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.printer import format_kernel
from rewriter.lower.gpu_program import GpuProgram
from rewriter.pipeline import TARGETS, Optimized, optimize
from rewriter.rewrite.engine import Rewriter
from rewriter.simplify import rule_places
from rewriter.solver.extract import Extractor
from rewriter.solver.saturate import SaturatingRewriter
from rewriter.target import Options
from rewriter.viz.gpu import launch_views
from rewriter.viz.model import EClassView, EGraphView, RewriteStep, VizReport
from rewriter.viz.schedule import schedule_view

#: The e-classes shown per store: enough to follow the root's alternatives, few enough to read.
MAX_CLASSES = 60
#: The emitted code shown: the first `--emit` kind in this order that the target makes.
CODE_KINDS = ("ptx", "wgsl", "asm", "llvm")


def collect_file(path, library, target: str, options: Options | None = None) -> VizReport:
    """`collect` for the one kernel of a `.ir` file (its text is the page's source)."""
    source = read_source(path)
    kernels = parse_kernels(source, str(path), validate=bool(options and options.validate))
    if len(kernels) != 1:
        raise RewriterError(f"{path}: expected one kernel, found {len(kernels)}")
    return collect(kernels[0], source, library, target, options)


def collect(kernel: Kernel, source: str, library, target: str, options: Options | None = None) -> VizReport:
    """Optimize `kernel` for `target` and gather everything the page shows. A target that
    refuses the kernel (`hexagon: f32 kernels of several stores ... not supported yet`) still gives a
    page: the source, the rewrite steps, and the refusal as its `error`."""
    options = options or Options()
    t = TARGETS.check_options(target, options)  # options the target does not take are the caller's error
    lib = library.for_target(t.name) if t.rules_in_simplify else library.portable()
    where = rule_places(lib)
    rep = VizReport(kernel.name, t.name, t.doc, options.engine, source, "")
    try:
        opt = optimize(kernel, library, target, options)
    except RewriterError as e:
        rep.error = str(e)
        opt = None
    trace = _saturation if options.engine == "saturate" else _greedy_steps
    stores = trace(rep, kernel, lib, where)
    if opt is None:
        rep.simplified = format_kernel(kernel.with_stores(stores))
        return rep
    if stores != list(opt.simplified.stores):
        rep.steps_note += " (note: the traced run ended elsewhere than the pipeline's simplification)"
    rep.simplified = format_kernel(opt.simplified)
    rep.rules_fired = [(n, c, where.get(n, opt.rule_locs.get(n, ""))) for n, c in opt.stats.most_common()]
    rep.program = opt.text("ir") if "ir" in t.emits else ""
    kind = next((k for k in CODE_KINDS if k in t.emits), None)
    if kind is not None:
        rep.code_kind, rep.code = kind, opt.text(kind)
    rep.notes = [str(n) for n in opt.notes]
    rep.summary = list(t.summary(opt.lowered))
    rep.schedule = _schedule(opt)
    if isinstance(opt.program, GpuProgram):
        # WGSL holds 8/16-bit integers of a shared array in 32-bit carriers (backends/wgsl.py).
        rep.launches = launch_views(opt.program, 4 if "wgsl" in t.emits else 1)
    return rep


def _greedy_steps(rep: VizReport, kernel: Kernel, lib, where: dict) -> list:
    """Every step of the greedy engine on each store (the engine's own trace); the stores
    it ends with."""
    rw = Rewriter(lib, trace=True)
    outs = []
    for i, store in enumerate(kernel.stores):
        first = len(rw.steps)
        outs.append(rw.normalize(store))
        for s in rw.steps[first:]:
            rep.steps.append(RewriteStep(i, s.what, where.get(s.what, ""), format_uop(s.before),
                                         format_uop(s.after), tuple((n, where.get(n, "")) for n in s.also)))
    if not rep.steps:
        rep.steps_note = "no rule applies: the kernel is already in normal form"
    return outs


def _saturation(rep: VizReport, kernel: Kernel, lib, where: dict) -> list:
    """Saturation rewrites no term in sequence: each store grows an e-graph from which the
    cheapest term is extracted, so the page shows the e-graph instead of steps."""
    rep.steps_note = ("--engine saturate: every rule adds equalities to an e-graph at once; there is no "
                      "sequence of steps. The e-graph of each store is below.")
    rw = SaturatingRewriter(lib)
    outs = []
    for i, store in enumerate(kernel.stores):
        seen = len(rw.results)
        outs.append(rw.normalize(store))
        if len(rw.results) > seen:  # a store equal to an earlier one is memoized
            rep.egraphs.append(_egraph_view(i, rw.results[-1], where))
    return outs


def _egraph_view(store: int, res, where: dict) -> EGraphView:
    eg = res.egraph
    best = Extractor(eg).best
    root = eg.find(res.root)
    order, queue = [], deque([root])
    while queue and len(order) < MAX_CLASSES:  # breadth first: the root's alternatives first
        cid = eg.find(queue.popleft())
        if cid in order:
            continue
        order.append(cid)
        for node in eg[cid].nodes:
            queue.extend(node[2])
    shown = tuple(EClassView(cid, format_uop(best[cid][1]) if cid in best else "?",
                             tuple(_enode(eg, n) for n in eg[cid].nodes)) for cid in order)
    rules = sorted((s for s in res.rule_stats.values() if s.matches), key=lambda s: (-s.matches, s.name))
    return EGraphView(store, res.stop_reason, res.iterations, res.nodes, res.classes, res.seconds,
                      tuple((h.nodes, h.classes, h.matches) for h in res.history),
                      tuple((s.name, where.get(s.name, s.loc), s.matches, s.merges) for s in rules),
                      root, shown, format_uop(best[root][1]) if root in best else "?")


def _enode(eg, node) -> str:
    op, dtype, kids, arg = node
    if op in ("const", "var"):
        return format_uop(arg)
    inner = ", ".join(f"c{eg.find(k)}" for k in kids)
    extra = f"<{arg}>" if arg is not None and not kids else (f"[{arg}]" if arg is not None else "")
    return f"{op}{extra}({inner}) : {dtype}"


def _schedule(opt: Optimized):
    """The modulo schedule, where the target's code has one (a target that keeps a
    `GlobalReport` as `code.modulo`; list-scheduled or straight-line code has none)."""
    modulo = getattr(opt.code, "modulo", None)
    if modulo is None or modulo.schedule is None:
        return None
    explanation = ""
    if "explain" in opt.target.reports:
        try:
            explanation = opt.target.explain(opt.lowered)
        except RewriterError as e:  # a report these options cannot give: say why
            explanation = str(e)
    return schedule_view(modulo, explanation)

