"""The `rewriter` command line. The only place that prints errors and chooses exit codes.

Exit codes: 0 success; 1 the tool ran but the answer is "no" (a counterexample, an unknown,
a failed check); 2 bad input or a missing tool (one line, `file:line:col` when it points into
a file, no traceback); 141 stdout was closed by its reader (as for a tool killed by SIGPIPE).
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib.metadata
import os
import sys
import time
import webbrowser
from pathlib import Path

from rewriter import __version__
from rewriter.backends.hexagon.global_sched import SEARCH_LIMITS
from rewriter.bench import run_bench
from rewriter.cluster import Cluster
from rewriter.dsl.overlap import find_shadowed
from rewriter.dsl.parser import parse_rules
from rewriter.dsl.rule import format_rules_keeping_comments, load_library, read_rule_text
from rewriter.errors import RewriterError, SourceError
from rewriter.flags import COUNT, JOBS, SEED, UNROLL, cluster, integer, limit_override, seconds
from rewriter.fuzz import add_arguments as add_fuzz_arguments
from rewriter.fuzz import run_from_args
from rewriter.kernel.inputs import read_inputs
from rewriter.kernel.parser import load_kernel
from rewriter.kernel.reference import random_inputs, run_reference
from rewriter.limits import Limits
from rewriter.outputs import Outputs, write_npz, write_text
from rewriter.pipeline import ENGINES, TARGETS, check_against_reference, load, optimize
from rewriter.progress import Progress
from rewriter.rules_path import default_kernel_paths, default_rule_paths
from rewriter.simplify import parse_var_decl, simplify_expr
from rewriter.target import Options
from rewriter.targets import register_target_ops
from rewriter.verifier.report import format_json, format_text
from rewriter.verifier.runner import default_cache_dir, verify_instances
from rewriter.viz import collect_file, make_server, render_html


def _open_cluster(args):
    """The `--cluster` of a command, open for its duration (nothing without the flag)."""
    spec = getattr(args, "cluster", None)
    return Cluster(spec, setup=register_target_ops) if spec is not None else contextlib.nullcontext(None)


def _progress(args, label: str) -> Progress:
    """The progress line on stderr: shown on a terminal, never with --format json or --no-progress."""
    return Progress(sys.stderr, label=label,
                    enabled=getattr(args, "format", "text") == "text" and not getattr(args, "no_progress", False))


def cmd_verify(args) -> int:
    start = time.monotonic()
    lib = _library(args.paths, _limits(args))
    instances = list(lib.all_instances())  # target rules (rules/hexagon.rules) too
    if not instances:
        # As for a folder without .rules files: "0 rules: all proven" would pass a CI step
        # whose path has a typo or whose file lost its rules.
        where = ", ".join(args.paths or default_rule_paths())
        raise RewriterError(f"{where}: no rules to verify")
    if args.rule:
        instances = [i for i in instances if i.name in set(args.rule)]
        if not instances:
            where = ", ".join(args.paths or default_rule_paths())
            raise RewriterError(f"no rule named {', '.join(args.rule)} in {where}")
    if args.cluster is not None and args.jobs:
        raise RewriterError("-j sizes the local process pool; with --cluster, local:N sets the workers")
    cache_dir = None if args.no_cache else (Path(args.cache_dir) if args.cache_dir else default_cache_dir())
    bar = _progress(args, "verify")
    try:
        with _open_cluster(args) as on:
            results = verify_instances(instances, jobs=args.jobs or 0, timeout_s=args.timeout, cache_dir=cache_dir,
                                       progress=lambda res, done, total: bar.update(done, res.rule, total=total),
                                       cluster=on)
    finally:
        bar.finish()
    elapsed = time.monotonic() - start
    if args.format == "json":
        print(format_json(results, elapsed))
    else:
        print(format_text(results, elapsed, verbose=args.verbose))
    return 0 if all(r.status == "proven" for r in results) else 1


def cmd_simplify(args) -> int:
    decls = [parse_var_decl(v, _limits(args)) for v in args.var]
    names = [d.name for d in decls]
    for name in names:
        if names.count(name) > 1:
            raise RewriterError(f"--var {name} is declared {names.count(name)} times: "
                                "declare each variable once")
    res = simplify_expr(args.expr, decls, rule_paths=args.rules or default_rule_paths(), limits=_limits(args),
                        check=args.check,
                        engine=args.engine, explain=args.explain, target=args.target)
    for line in res.explanation:
        print(line)
    print(res.text)
    if args.stats:
        for name, count in res.stats.most_common():
            print(f"  {count:4d}  {name}  ({res.rule_locs[name]})")
    if args.check:
        print(f"check: {res.check}")
        return 0 if res.check == "proven equal" else 1
    return 0


def _load_inputs(kernel, args):
    if getattr(args, "inputs", None) is not None:  # `--inputs ""` is a missing file, not "random"
        return read_inputs(args.inputs, kernel)
    return random_inputs(kernel, args.seed)


def _outputs(args, *reads) -> Outputs:
    """The outputs of a command, never over a file it reads: `reads` and the rule files."""
    return Outputs([p for p in (*reads, *(args.rules or default_rule_paths())) if p])


def cmd_run(args) -> int:
    kernel = load_kernel(args.kernel, limits=_limits(args))
    if args.target != "ref":
        TARGETS.get(args.target)  # an unknown target is refused before the inputs are read
    # The name written is settled (".npz" appended, as numpy would) and checked first.
    out = _outputs(args, args.kernel, args.inputs).claim(
        f"{kernel.name}.out.npz" if args.output is None else args.output, suffix=".npz")
    inputs = _load_inputs(kernel, args)
    if args.target == "ref":
        outputs = run_reference(kernel, inputs)
    else:
        outputs = load(optimize(kernel, _library(args.rules, _limits(args)), args.target))(inputs)
    write_npz(out, outputs)
    for name, arr in outputs.items():
        print(f"{name}: {arr.dtype}{list(arr.shape)}  min {arr.min()}  max {arr.max()}")
    print(f"wrote {out}")
    return 0


def _limits(args) -> Limits:
    """`--limit NAME=VALUE` (repeatable) over the default `rewriter.limits.Limits`."""
    return Limits(**dict(getattr(args, "limit", None) or ()))


def _library(paths, limits: Limits = Limits()):
    """The rule library at `paths` (default: the project's), its scopes checked against the
    registered targets."""
    library = load_library(paths or default_rule_paths(), limits)
    TARGETS.check_scopes(library)
    return library


def _options(args) -> Options:
    """The compile options of `optimize` / `bench` from their flags (`bench` has fewer)."""
    get = lambda name, default: getattr(args, name, default)  # noqa: E731
    return Options(engine=get("engine", "greedy"), vectorize=not get("no_vectorize", False),
                   unroll=get("unroll", 1), fp_contract=get("fp_contract", False),
                   tensor_cores=get("tensor_cores", None), wgmma_conv=get("wgmma_conv", False),
                   scheduler=get("scheduler", "global"),
                   time_limit=get("time_limit", None), validate=get("validate_ir", False))


def cmd_optimize(args) -> int:
    """Compile for the target; print or write the emitted text; --run/--check execute it."""
    kernel = load_kernel(args.kernel, validate=args.validate_ir, limits=_limits(args))
    options = _options(args)
    target = TARGETS.check_options(args.target, options)  # refused before a long compile
    emit = args.emit or target.emits[0]
    target.check_emit(emit)
    out, svg, inputs = _optimize_io(args, kernel)
    TARGETS.check_reports(args.target, options, explain=args.explain, diagram=svg is not None)
    bar = _progress(args, f"{kernel.name}: scheduling")
    try:
        opt = optimize(kernel, _library(args.rules, _limits(args)), args.target,
                       dataclasses.replace(options, progress=lambda tried, total, item: bar.update(tried, item,
                                                                                                   total=total)))
    finally:
        bar.finish()
    explained: list = target.explain(opt.lowered).splitlines() if args.explain else []
    sys.stdout.write("".join(f"# {line}\n" for line in explained))
    if svg:
        write_text(svg, target.schedule_svg(opt.lowered, f"{kernel.name}: steady-state loop"))
        print(f"# wrote {svg} (packets x units of the steady-state loop)")
    shown = {f"# {line}" for line in explained}
    for line in target.summary(opt.lowered):
        if f"# {line}" not in shown:  # (--explain's text begins with the same headline)
            print(f"# {line}")
            shown.add(f"# {line}")
    text = opt.text(emit)
    if out is None:  # the listing's notes printed just above, once
        text = "".join(line for line in text.splitlines(keepends=True) if line.rstrip("\n") not in shown)
    _write_or_print(out, text, emit)
    if args.stats:
        print(f"# rules fired on {kernel.name}:")
        for name, count in opt.stats.most_common():
            print(f"#   {count:4d}  {name}  ({opt.rule_locs[name]})")
    if not (args.run or args.check):
        return 0
    run = load(opt).run(inputs, repeat=args.repeat)
    print(f"# ran {kernel.name} on {target.name}: {run.summary}")
    return _check_outputs(kernel, run.outputs, inputs, args.check, opt.lowered.tolerance)


def _optimize_io(args, kernel):
    """(-o path or None, --schedule-svg path or None, inputs or None), settled before
    anything is compiled: no output replaces the kernel, the inputs or a rule file, and bad
    inputs are refused before a long compile."""
    outputs = _outputs(args, args.kernel, args.inputs)
    out = outputs.claim(args.output) if args.output is not None else None
    svg = outputs.claim(args.schedule_svg, "--schedule-svg") if args.schedule_svg is not None else None
    inputs = _load_inputs(kernel, args) if (args.run or args.check) else None
    return out, svg, inputs


def _write_or_print(out, text: str, what: str) -> None:
    if out is not None:
        write_text(out, text)
        print(f"wrote {out} ({what})")
    else:
        sys.stdout.write(text)


def _check_outputs(kernel, got, inputs, check: bool, tolerance=None) -> int:
    """--check: compare a target's outputs with the reference interpreter (exit 1 on a
    mismatch), floats within the tolerance the target states (`Lowered.tolerance`)."""
    if not check:
        return 0
    notes: list = []
    bad = check_against_reference(kernel, got, inputs, notes, tolerance)
    for n in notes:
        print(f"# {n}")  # how the reference evaluated (chunks under its memory bound)
    for m in bad:
        print(f"# CHECK FAILED: {m}", file=sys.stderr)
    print(f"# check against the reference interpreter: {'FAILED' if bad else 'ok'}")
    return 1 if bad else 0


def cmd_viz(args) -> int:
    """One kernel through one target as a web page: written to a file, served with --serve."""
    options = _options(args)
    TARGETS.check_options(args.target, options)  # refused before a long compile
    out = _outputs(args, args.kernel).claim(args.output or f"{Path(args.kernel).stem}.{args.target}.html")
    report = collect_file(args.kernel, _library(args.rules), args.target, options)
    html = render_html(report)
    write_text(out, html)
    print(f"wrote {out}")
    if report.error:  # the page is still made: the source and the steps, with the refusal on top
        print(f"rewriter: note: {args.target} refused the kernel: {report.error}", file=sys.stderr)
    if not args.serve:
        return 0
    server = make_server(html, args.port)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"serving {url} (Ctrl-C stops)", flush=True)
    if not args.no_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # the way a served page is closed: not an error
        pass
    finally:
        server.server_close()
    return 0


def cmd_bench(args) -> int:
    # Checked before the (long) run, not after it. A previous report may be replaced (its
    # header names the command), any other markdown file may not.
    kernels = args.kernels or default_kernel_paths()
    out = _outputs(args, *kernels).claim(args.out, "--out", report_mark="rewriter bench") \
        if args.out is not None else None
    args.save_report = _report_writer(out) if out else None
    TARGETS.check_options(args.target, _options(args))
    library = _library(args.rules)
    args.progress = _progress(args, "bench")
    with _open_cluster(args) as args.cluster:
        return run_bench(args, library, kernels)


def _report_writer(out):
    def save(text: str):
        write_text(out, text)
        return out
    return save


def cmd_lint(args) -> int:
    lib = _library(args.paths, _limits(args))
    found = find_shadowed(lib)
    for s in found:
        print(s)
    print(f"{len(lib.all_rules())} rules, {len(list(lib.all_instances()))} instances; "
          f"{len(found)} shadowed (rules are tried in file order, first match wins)")
    return 1 if found else 0


def cmd_fmt(args) -> int:
    for p in args.files:
        text = read_rule_text(p)
        sys.stdout.write(format_rules_keeping_comments(text, parse_rules(text, p)))
    return 0


def cmd_fuzz(args) -> int:
    with _open_cluster(args) as on:
        return run_from_args(args, cluster=on, progress=_progress(args, "fuzz"))


def version() -> str:
    """The installed distribution's version; the package's own where it is run from a
    checkout that was never installed."""
    try:
        return importlib.metadata.version("rewriter")
    except importlib.metadata.PackageNotFoundError:
        return __version__


def _target_help() -> str:
    return "; ".join(f"{t.name}: {t.doc}" for t in TARGETS)


def _add_limit_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", action="append", type=limit_override, metavar="NAME=VALUE",
                   help="raise (or lower) one of the input limits for this command, e.g. "
                   "max_buffer_bytes=8e9 (rewriter/limits.py lists them)")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="rewriter", description="Verified rewrite rules and a "
                                 "constraint-solving superoptimizer for ML/DSP kernels.")
    ap.add_argument("--version", action="version", version=f"rewriter {version()}")
    sub = ap.add_subparsers(dest="command", required=True)

    v = sub.add_parser("verify", help="prove every rule sound with Z3 (or show a counterexample)")
    v.add_argument("paths", nargs="*", help="rule files or folders (default: the project's rules/)")
    v.add_argument("-j", "--jobs", type=JOBS, default=None,
                   help="worker processes (default: all cores)")
    v.add_argument("--timeout", type=seconds(), default=30.0,
                   help="longest Z3 attempt per instance, seconds")
    v.add_argument("--format", choices=["text", "json"], default="text")
    v.add_argument("--rule", action="append", help="verify only this rule (repeatable)")
    v.add_argument("--no-cache", action="store_true", help="ignore and do not write the proof cache")
    v.add_argument("--cache-dir", help="proof cache folder (default: $XDG_CACHE_HOME/rewriter)")
    v.add_argument("-v", "--verbose", action="store_true", help="one line per instance")
    _add_limit_flag(v)
    v.add_argument("--cluster", type=cluster, metavar="local[:N]|ADDRESS",
                   help="verify what the cache does not answer on Dask workers: a LocalCluster of N "
                   "processes (default: one per core) or a running scheduler's address (tcp://host:8786)")
    v.add_argument("--no-progress", action="store_true", help="no progress line on stderr (shown only on a terminal)")
    v.set_defaults(func=cmd_verify)

    s = sub.add_parser("simplify", help="rewrite an expression with the rule library to a fixpoint")
    s.add_argument("expr", help='an expression, e.g. "(a*4 + b) / 4"')
    s.add_argument("--var", action="append", default=[], metavar="NAME:TYPE[=LO..HI]",
                   help="declare a variable, e.g. a:idx=0..100 (bounds inclusive)")
    s.add_argument("--rules", action="append", help="rule files or folders (default: the project's rules/)")
    s.add_argument("--check", action="store_true", help="prove the result equal to the input with Z3")
    s.add_argument("--stats", action="store_true", help="which rules fired, how often, from where")
    s.add_argument("--explain", action="store_true",
                   help="every step: the rule that fired, where it is defined, the rules it won against")
    s.add_argument("--engine", choices=ENGINES, default="greedy")
    s.add_argument("--target", choices=TARGETS.names(),
                   help="also apply this target's rules; default: the portable rules only")
    _add_limit_flag(s)
    s.set_defaults(func=cmd_simplify)

    r = sub.add_parser("run", help="run a kernel on inputs (random, or --inputs) and save its outputs")
    r.add_argument("kernel", help="a .ir file")
    r.add_argument("--target", choices=["ref", *TARGETS.names()], default="ref",
                   help="ref: the reference interpreter; " + _target_help())
    r.add_argument("--inputs", help=".npz with one array per input buffer (default: random)")
    r.add_argument("--seed", type=SEED, default=0, help="seed for random inputs")
    r.add_argument("-o", "--output", help="output .npz (default: <kernel>.out.npz)")
    r.add_argument("--rules", action="append", help="rule files or folders (default: the project's rules/)")
    _add_limit_flag(r)
    r.set_defaults(func=cmd_run)

    o = sub.add_parser("optimize", help="optimize a kernel for a target; emit, run and check it")
    o.add_argument("kernel", help="a .ir file")
    o.add_argument("--target", choices=TARGETS.names(), default="cpu", help=_target_help())
    o.add_argument("--emit", choices=TARGETS.emit_kinds(), default=None,
                   help="ir: simplified kernel (runnable) with the lowered program as # comments; "
                   "llvm: LLVM IR; asm: machine code (HVX assembly for --target hexagon); "
                   "ptx: PTX for sm_90 (--target cuda); wgsl: the WGSL module (--target webgpu). "
                   "Default: the target's first kind (" + ", ".join(f"{t.name}: {t.emits[0]}" for t in TARGETS) + ")")
    o.add_argument("-o", "--output", help="write the emitted text here (never over the input)")
    o.add_argument("--run", action="store_true", help="compile and run it, print the time")
    o.add_argument("--check", action="store_true", help="run it and compare with the reference interpreter")
    o.add_argument("--inputs", help=".npz inputs for --run/--check (default: random)")
    o.add_argument("--seed", type=SEED, default=0, help="seed for random inputs")
    o.add_argument("--repeat", type=COUNT, default=20, help="timing repetitions")
    o.add_argument("--unroll", type=UNROLL, default=1, help="unroll the innermost reduce loop")
    o.add_argument("--no-vectorize", action="store_true", help="scalar loops only")
    o.add_argument("--engine", choices=ENGINES, default="greedy",
                   help="greedy: first matching rule in library order; saturate: e-graph with every "
                   "rule, cheapest equivalent extracted")
    o.add_argument("--stats", action="store_true", help="which rules fired, how often, from where")
    o.add_argument("--fp-contract", action="store_true",
                   help="cuda: fuse the tiled matmul's a * b + acc into fma (one rounding; not bit-exact)")
    o.add_argument("--tensor-cores", action=argparse.BooleanOptionalAction, default=None,
                   help="cuda: f16 and bf16 matmuls on the tensor cores (the default; wgmma or mma.sync k16 steps summed in "
                   "f32 in their own order: checked within rtol/atol 1e-3, not bit-exact); "
                   "--no-tensor-cores: CUDA cores only, the reference's order")
    o.add_argument("--wgmma-conv", action="store_true",
                   help="cuda: the wgmma-conv strategy (f16 convolutions as implicit GEMM on sm_90a); "
                   "on by default since it ran correctly on an H100 (docs/GPU.md): kept for scripts that pass it")
    o.add_argument("--rules", action="append", help="rule files or folders (default: the project's rules/)")
    o.add_argument("--scheduler", choices=["list", "global"], default="global",
                   help="hexagon: list scheduling, or the global modulo solver (software pipelining)")
    o.add_argument("--time-limit", type=seconds(), metavar="SECONDS",
                   help="hexagon --scheduler global: solver seconds per candidate loop body (default 2; "
                   "the anytime search keeps its best schedule and reports the gap); the whole search "
                   f"ends after {SEARCH_LIMITS} times that (fewer where there are fewer candidates), selection, "
                   "heuristics and list scheduling included")
    o.add_argument("--schedule-svg", help="hexagon --scheduler global: draw the steady-state loop here")
    o.add_argument("--explain", action="store_true",
                   help="hexagon --scheduler global: every alternative tried (selection form, unroll, "
                   "solver or list placement) with its costs, the chosen one first; II, bounds, gap, "
                   "saturations and the solver's search log")
    o.add_argument("--validate-ir", action="store_true",
                   help="check the IR at every stage boundary (parsed, simplified, lowered) against the op "
                   "vocabulary; a violation is an internal error naming the node")
    _add_limit_flag(o)
    o.add_argument("--no-progress", action="store_true",
                   help="no progress line on stderr (hexagon --scheduler global: candidates tried; terminal only)")
    o.set_defaults(func=cmd_optimize)

    vz = sub.add_parser("viz", help="one kernel through one target as a web page: source, rewrite steps, "
                        "e-graph, program, code, schedule or launches")
    vz.add_argument("kernel", help="a .ir file")
    vz.add_argument("--target", choices=TARGETS.names(), default="cpu", help=_target_help())
    vz.add_argument("--engine", choices=ENGINES, default="greedy",
                    help="greedy: every step with its rule; saturate: the e-graph of each store")
    vz.add_argument("--time-limit", type=seconds(), metavar="SECONDS",
                    help="hexagon: solver seconds per candidate loop body (default 2)")
    vz.add_argument("-o", "--output", help="the HTML file (default: KERNEL.TARGET.html; never over an input)")
    vz.add_argument("--serve", action="store_true", help="also serve it on 127.0.0.1 until Ctrl-C, and open it")
    vz.add_argument("--port", type=integer(0, 65535), default=0, help="--serve's port (default: a free one)")
    vz.add_argument("--no-browser", action="store_true", help="--serve without opening a browser")
    vz.add_argument("--rules", action="append", help="rule files or folders (default: the project's rules/)")
    vz.set_defaults(func=cmd_viz)

    b = sub.add_parser("bench", help="time optimized kernels against numpy doing the same computation")
    b.add_argument("kernels", nargs="*", help=".ir files (default: examples/*.ir)")
    b.add_argument("--target", choices=TARGETS.names(), default="cpu",
                   help="cpu: ours vs numpy (time); hexagon: ours vs LLVM -O3 (QEMU packets)")
    b.add_argument("--scheduler", choices=["list", "global"], default="global",
                   help="hexagon: list scheduling, or the global modulo solver (software pipelining)")
    b.add_argument("--time-limit", type=seconds(), metavar="SECONDS",
                   help="hexagon --scheduler global: solver seconds per candidate loop body (default 2; "
                   "the whole search ends after that many seconds per candidate)")
    b.add_argument("--repeat", type=COUNT, default=50)
    b.add_argument("--out", help="also write the table (markdown) to this file")
    b.add_argument("--rules", action="append", help="rule files or folders (default: the project's rules/)")
    b.add_argument("--cluster", type=cluster, metavar="local[:N]|ADDRESS",
                   help="one kernel per task, compiled, run and checked on Dask workers: a LocalCluster of "
                   "N processes (default: one per core) or a running scheduler's address (tcp://host:8786)")
    b.add_argument("--no-progress", action="store_true", help="no progress line on stderr (shown only on a terminal)")
    b.set_defaults(func=cmd_bench)

    li = sub.add_parser("lint", help="find rules that never fire because an earlier rule always wins")
    li.add_argument("paths", nargs="*", help="rule files or folders (default: the project's rules/)")
    _add_limit_flag(li)
    li.set_defaults(func=cmd_lint)

    f = sub.add_parser("fmt", help="print rule files in canonical form (to stdout; never in place)")
    f.add_argument("files", nargs="+")
    f.set_defaults(func=cmd_fmt)

    fz = sub.add_parser("fuzz", help="random terms and kernels through the rules and targets, "
                        "checked against the interpreter; failures shrunk and saved")
    add_fuzz_arguments(fz)
    fz.add_argument("--no-progress", action="store_true", help="no progress line on stderr (shown only on a terminal)")
    fz.set_defaults(func=cmd_fuzz)
    return ap


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SourceError as e:
        print(e.render(), file=sys.stderr)
        return e.exit_code
    except RewriterError as e:
        print(f"rewriter: error: {e}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:
        # The reader of stdout went away (`rewriter verify | head`): stop quietly, as a tool
        # killed by SIGPIPE would, and keep Python's exit-time flush from complaining.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as e:
        print(f"rewriter: error: {e}", file=sys.stderr)
        return 2
    except MemoryError:
        # Sizes within rewriter.limits.Limits can still exceed this machine's memory (the
        # reference interpreter holds exact integers as Python objects): one line, not a trace.
        print("rewriter: error: out of memory: the kernel's buffers or the work on them do not fit "
              "in this machine's memory (make the kernel smaller)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rewriter: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
