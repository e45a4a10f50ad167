"""The `rewriter` command line. The only place that prints errors and chooses exit codes.

Exit codes: 0 success; 1 the tool ran but the answer is "no" (a counterexample, an unknown,
a failed check); 2 bad input or a missing tool (one line, `file:line:col` when it points into
a file, no traceback); 141 stdout was closed by its reader (as for a tool killed by SIGPIPE).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from rewriter.errors import RewriterError, SourceError
from rewriter.rules_path import default_rule_paths


def _progress_printer(stream):
    if not stream.isatty():
        return None

    def show(res, done, total):
        width = 30
        fill = int(width * done / max(total, 1))
        stream.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {done}/{total} {res.rule[:40]:<40}")
        if done == total:
            stream.write("\r" + " " * (width + 60) + "\r")
        stream.flush()

    return show


def cmd_verify(args) -> int:
    import rewriter.backends.target_ops  # noqa: F401  (registers target ops: hvx.*)
    from rewriter.dsl.rule import load_library
    from rewriter.verifier.report import format_json, format_text
    from rewriter.verifier.runner import default_cache_dir, verify_instances

    start = time.monotonic()
    lib = load_library(args.paths or default_rule_paths())
    instances = list(lib.all_instances())  # target rules (rules/hexagon.rules) too
    if args.rule:
        instances = [i for i in instances if i.name in set(args.rule)]
        if not instances:
            where = ", ".join(args.paths or default_rule_paths())
            raise RewriterError(f"no rule named {', '.join(args.rule)} in {where}")
    cache_dir = None if args.no_cache else (Path(args.cache_dir) if args.cache_dir else default_cache_dir())
    results = verify_instances(instances, jobs=args.jobs or 0, timeout_s=args.timeout, cache_dir=cache_dir,
                               progress=_progress_printer(sys.stderr) if args.format == "text" else None)
    seconds = time.monotonic() - start
    if args.format == "json":
        print(format_json(results, seconds))
    else:
        print(format_text(results, seconds, verbose=args.verbose))
    return 0 if all(r.status == "proven" for r in results) else 1


def cmd_simplify(args) -> int:
    import rewriter.backends.target_ops  # noqa: F401  (registers target ops: hvx.*)
    from rewriter.rewrite.simplify import parse_var_decl, simplify_expr

    decls = [parse_var_decl(v) for v in args.var]
    names = [d.name for d in decls]
    for name in names:
        if names.count(name) > 1:
            raise RewriterError(f"--var {name} is declared {names.count(name)} times: "
                                "declare each variable once")
    res = simplify_expr(args.expr, decls, rule_paths=args.rules or default_rule_paths(),
                        check=args.check,
                        engine=args.engine, explain=args.explain)
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
    import numpy as np

    from rewriter.kernel.reference import random_inputs

    if getattr(args, "inputs", None):
        try:
            with np.load(args.inputs) as data:
                return {k: data[k] for k in data.files}
        except (OSError, ValueError) as e:
            raise RewriterError(f"{args.inputs}: cannot read inputs: {e}") from None
    return random_inputs(kernel, args.seed)


#: Files that only people write: an output path never replaces one of these.
_SOURCE_SUFFIXES = (".ir", ".rules", ".py", ".lark", ".toml")


def _safe_output(path: str, *protected: str, flag: str = "-o") -> Path:
    """An output path that does not overwrite what the user wrote: an input of this command,
    or any existing source file (kernels, rules, code, docs)."""
    out = Path(path)
    for p in protected:
        if p and out.resolve() == Path(p).resolve():
            raise RewriterError(f"{flag} {path} would overwrite the input file {p}")
    if out.exists() and out.suffix in _SOURCE_SUFFIXES:
        raise RewriterError(f"{flag} {path} would overwrite an existing {out.suffix} file; "
                            f"choose another path")
    return out


def _rule_sources(paths) -> list[str]:
    """The rule files a command reads (folders expanded), which no output may replace."""
    out = []
    for p in paths or default_rule_paths():
        path = Path(p)
        out += [str(f) for f in sorted(path.rglob("*.rules"))] if path.is_dir() else [p]
    return out


def cmd_run(args) -> int:
    import numpy as np

    from rewriter.kernel.parser import load_kernel

    kernel = load_kernel(args.kernel)
    inputs = _load_inputs(kernel, args)
    if args.target == "ref":
        from rewriter.kernel.reference import run_reference

        outputs = run_reference(kernel, inputs)
    elif args.target == "cuda":
        import rewriter.backends.target_ops  # noqa: F401  (registers target ops: hvx.*)
        from rewriter.dsl.rule import load_library
        from rewriter.pipeline import compile_cuda, optimize
        from rewriter.runtime.cuda import run_cuda

        code = compile_cuda(optimize(kernel, load_library(args.rules or ["rules"]), "cuda"))
        outputs, _ = run_cuda(kernel, code, inputs, repeat=0)
    else:
        import rewriter.backends.target_ops  # noqa: F401  (registers target ops: hvx.*)
        from rewriter.dsl.rule import load_library
        from rewriter.pipeline import compile_cpu, optimize

        opt = optimize(kernel, load_library(args.rules or default_rule_paths()), args.target)
        if args.target == "webgpu":
            from rewriter.pipeline import compile_webgpu

            outputs = compile_webgpu(opt)(inputs)
        else:
            outputs = compile_cpu(opt)(inputs)
    out = _safe_output(args.output or f"{kernel.name}.out.npz", args.kernel, args.inputs or "",
                       *_rule_sources(args.rules))
    np.savez(out, **outputs)
    for name, arr in outputs.items():
        print(f"{name}: {arr.dtype}{list(arr.shape)}  min {arr.min()}  max {arr.max()}")
    print(f"wrote {out}")
    return 0


def _optimize_hexagon(args) -> int:
    """`optimize --target hexagon`: our HVX code generator; --run/--check run it on QEMU."""
    from rewriter.backends.hexagon import compile_hexagon
    import rewriter.backends.target_ops  # noqa: F401  (registers target ops: hvx.*)
    from rewriter.dsl.rule import load_library
    from rewriter.kernel.parser import load_kernel

    from rewriter.pipeline import check_target_options

    check_target_options("hexagon", fp_contract=args.fp_contract, tensor_cores=args.tensor_cores)
    kernel = load_kernel(args.kernel)
    if args.explain and args.scheduler != "global":
        raise RewriterError("--explain needs --scheduler global (the alternatives are the global scheduler's)")
    _check_time_limit(args)
    out, inputs = _optimize_io(args, kernel)
    code = compile_hexagon(kernel, load_library(args.rules or default_rule_paths()), scheduler=args.scheduler,
                           time_limit=args.time_limit)
    if args.explain:
        sys.stdout.write("".join(f"# {line}\n" for line in code.explanation.render().splitlines()))
    if args.schedule_svg:
        if code.modulo is None:
            raise RewriterError("--schedule-svg needs --scheduler global (a modulo-scheduled loop)")
        from rewriter.solver.modulo.diagram import schedule_svg

        svg = _safe_output(args.schedule_svg, args.kernel, flag="--schedule-svg")
        svg.write_text(schedule_svg(code.modulo.schedule, f"{kernel.name}: steady-state loop"))
        print(f"# wrote {svg} (packets x units of the steady-state loop)")
    if code.modulo is not None:
        print(f"# {code.modulo.line()}")
    if args.emit == "llvm":
        raise RewriterError("--emit llvm: the hexagon target emits assembly (--emit asm) or machine IR (--emit ir)")
    text = code.asm if args.emit == "asm" else "".join(f"# {n}\n" for n in code.notes) + code.machine.format()
    _write_or_print(out, text, args.emit)
    if not (args.run or args.check):
        return 0
    from rewriter.runtime.hexagon import run_on_qemu

    run = run_on_qemu(kernel, code.asm, inputs)
    print(f"# ran {kernel.name} on qemu-hexagon: {run.counts.packets} packets, {run.counts.insns} "
          f"instructions ({run.counts.hvx_insns} HVX); model cycles {code.model_cycles}")
    return _check_outputs(kernel, run.outputs, inputs, args.check)


def _optimize_io(args, kernel):
    """(output path or None, inputs or None), both settled before anything is compiled: the
    emitted text never replaces the kernel, the inputs or a rule file, and bad inputs are
    refused before a long compile."""
    out = _safe_output(args.output, args.kernel, args.inputs or "", *_rule_sources(args.rules)) \
        if args.output else None
    inputs = _load_inputs(kernel, args) if (args.run or args.check) else None
    return out, inputs


def _write_or_print(out, text: str, what: str) -> None:
    if out is not None:
        out.write_text(text)
        print(f"wrote {out} ({what})")
    else:
        sys.stdout.write(text)


def _check_time_limit(args) -> None:
    """--time-limit is the global scheduler's (Hexagon's) search budget: refused elsewhere."""
    from rewriter.pipeline import check_target_options

    check_target_options(args.target, time_limit=args.time_limit is not None)
    if args.time_limit is not None and args.scheduler != "global":
        raise RewriterError("--time-limit needs --scheduler global (the list scheduler does not search)")


def cmd_optimize(args) -> int:
    if args.target == "hexagon":
        return _optimize_hexagon(args)
    if args.explain:
        raise RewriterError("--explain is for --target hexagon (the global scheduler's alternatives)")
    _check_time_limit(args)
    import rewriter.backends.target_ops  # noqa: F401  (registers target ops: hvx.*)
    from rewriter.dsl.rule import load_library
    from rewriter.kernel.parser import load_kernel
    from rewriter.kernel.printer import format_kernel
    from rewriter.lower.program import format_program
    from rewriter.pipeline import compile_cpu, optimize

    kernel = load_kernel(args.kernel)
    lib = load_library(args.rules or default_rule_paths())
    out, inputs = _optimize_io(args, kernel)
    opt = optimize(kernel, lib, args.target, vectorize=not args.no_vectorize, unroll=args.unroll,
                   engine=args.engine, fp_contract=args.fp_contract, tensor_cores=args.tensor_cores)
    if args.target == "webgpu":
        return _optimize_webgpu(args, kernel, opt, out, inputs)
    compiled = None
    emit = args.emit
    if args.target == "cuda":
        return _optimize_cuda(args, kernel, opt, out, inputs)
    if emit == "ptx":
        raise RewriterError("--emit ptx needs --target cuda")
    if emit == "asm" or args.run or args.check:
        compiled = compile_cpu(opt)
    text = {"ir": format_kernel(opt.simplified) + "\n" + _as_comments(format_program(opt.program)),
            "llvm": opt.llvm_ir, "asm": compiled.asm if compiled else ""}[emit]
    _write_or_print(out, text, emit)
    if args.stats:
        print(f"# rules fired on {kernel.name}:")
        for name, count in opt.stats.most_common():
            print(f"#   {count:4d}  {name}  ({opt.rule_locs[name]})")
    status = 0
    if compiled is not None and (args.run or args.check):
        got = compiled(inputs)
        seconds = compiled.time(inputs, repeat=args.repeat)
        print(f"# ran {kernel.name} on {args.target}: {seconds * 1e6:.1f} us per call (best of {args.repeat})")
        status = _check_outputs(kernel, got, inputs, args.check)
    return status


def _check_outputs(kernel, got, inputs, check: bool) -> int:
    """--check: compare a target's outputs with the reference interpreter (exit 1 on a mismatch)."""
    from rewriter.pipeline import check_against_reference

    if not check:
        return 0
    bad = check_against_reference(kernel, got, inputs)
    for m in bad:
        print(f"# CHECK FAILED: {m}", file=sys.stderr)
    print(f"# check against the reference interpreter: {'FAILED' if bad else 'ok'}")
    return 1 if bad else 0


def _optimize_cuda(args, kernel, opt, out, inputs) -> int:
    """`optimize --target cuda`: emit the GPU program, its LLVM IR or PTX (no GPU needed);
    --run/--check run it through the driver API (exit 2 without a GPU)."""
    from rewriter.kernel.printer import format_kernel
    from rewriter.lower.gpu_program import format_gpu_program
    from rewriter.pipeline import compile_cuda

    text = {"ir": format_kernel(opt.simplified) + "\n" + format_gpu_program(opt.gpu),
            "llvm": opt.llvm_ir, "ptx": opt.ptx, "asm": opt.ptx}[args.emit]
    _write_or_print(out, text, args.emit)
    if not (args.run or args.check):
        return 0
    from rewriter.runtime.cuda import run_cuda

    got, seconds = run_cuda(kernel, compile_cuda(opt), inputs, repeat=args.repeat)
    print(f"# ran {kernel.name} on cuda: {seconds * 1e6:.1f} us per call (mean of {args.repeat})")
    return _check_outputs(kernel, got, inputs, args.check)


def _optimize_webgpu(args, kernel, opt, out, inputs) -> int:
    """`optimize --target webgpu`: print (or write) the WGSL; --run/--check dispatch it."""
    from rewriter.pipeline import compile_webgpu
    from rewriter.runtime.webgpu import run_webgpu

    text = opt.wgsl.code
    _write_or_print(out, text, "wgsl")
    for note in opt.wgsl.notes:
        print(f"# {note}")
    if not (args.run or args.check):
        return 0
    compiled = compile_webgpu(opt)
    got, seconds, kind = run_webgpu(kernel, compiled, inputs, repeat=args.repeat)
    print(f"# ran {kernel.name} on webgpu ({compiled.ctx.description}): {seconds * 1e6:.1f} us "
          f"({kind}, best of {args.repeat})")
    return _check_outputs(kernel, got, inputs, args.check)


def _as_comments(text: str) -> str:
    """The loop program as `#` comments, so `--emit ir` output is a kernel file that parses
    (`rewriter run out.ir`) and still shows the schedule."""
    return "".join(line if line.startswith("#") else f"#   {line}" if line.strip() else line
                   for line in text.splitlines(keepends=True))


def cmd_bench(args) -> int:
    from rewriter.bench import run_bench

    # Checked before the (long) run, not after it.
    args.safe_out = _safe_output(args.out, *args.kernels, flag="--out") if args.out else None
    _check_time_limit(args)
    if args.target == "hexagon":
        return _bench_hexagon(args)
    return run_bench(args)


def _bench_hexagon(args) -> int:
    """`bench --target hexagon`: our packets vs LLVM -O3's on QEMU, the resource bound, the
    distance to it and the HVX ALU saturation (rewriter/bench_hexagon.py)."""
    import glob
    import shlex

    from rewriter.bench_hexagon import bench_ours_vs_llvm, render_markdown, report_header
    import rewriter.backends.target_ops  # noqa: F401  (registers target ops: hvx.*)
    from rewriter.dsl.rule import load_library

    paths = args.kernels or sorted(glob.glob("examples/*.ir"))
    rows = bench_ours_vs_llvm(paths, load_library(args.rules or ["rules"]), scheduler=args.scheduler,
                              time_limit=args.time_limit)
    command = f"rewriter bench --target hexagon --scheduler {args.scheduler}" \
        + (f" --time-limit {args.time_limit:g}" if args.time_limit is not None else "") \
        + "".join(f" {shlex.quote(a)}" for a in args.kernels)
    text = report_header(command) + render_markdown(rows) + "\n"
    sys.stdout.write(text)
    if args.safe_out:
        args.safe_out.write_text(text)
        print(f"wrote {args.safe_out}")
    wrong = [r.kernel for r in rows if (r.ours and r.ours.counts and not r.ours.correct) or not r.llvm.correct]
    return 1 if wrong else 0


def cmd_lint(args) -> int:
    from rewriter.dsl.overlap import find_shadowed
    import rewriter.backends.target_ops  # noqa: F401  (registers target ops: hvx.*)
    from rewriter.dsl.rule import load_library

    lib = load_library(args.paths or default_rule_paths())
    found = find_shadowed(lib)
    for s in found:
        print(s)
    print(f"{len(lib)} rules, {sum(len(r.instances) for r in lib)} instances; "
          f"{len(found)} shadowed (rules are tried in file order, first match wins)")
    return 1 if found else 0


def cmd_fmt(args) -> int:
    import rewriter.backends.target_ops  # noqa: F401  (registers target ops: hvx.*)
    from rewriter.dsl.parser import parse_rules
    from rewriter.dsl.rule import format_rules_keeping_comments

    for p in args.files:
        text = Path(p).read_text()
        sys.stdout.write(format_rules_keeping_comments(text, parse_rules(text, p)))
    return 0


def cmd_fuzz(args) -> int:
    from rewriter.fuzz import run_from_args

    return run_from_args(args)


def _at_least(low, kind=int, what="an integer"):
    """An argparse type: a number >= low (> 0 for floats with low=0), one-line error else."""
    def parse(text: str):
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if v < low or (kind is float and low == 0 and not v > 0):
            bound = "positive" if kind is float and low == 0 else f">= {low}"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {text}")
        return v
    return parse


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="rewriter", description="Verified rewrite rules and a "
                                 "constraint-solving superoptimizer for ML/DSP kernels.")
    sub = ap.add_subparsers(dest="command", required=True)

    v = sub.add_parser("verify", help="prove every rule sound with Z3 (or show a counterexample)")
    v.add_argument("paths", nargs="*", help="rule files or folders (default: the project's rules/)")
    v.add_argument("-j", "--jobs", type=_at_least(1), default=None,
                   help="worker processes (default: all cores)")
    v.add_argument("--timeout", type=_at_least(0, float, "a number"), default=30.0,
                   help="longest Z3 attempt per instance, seconds")
    v.add_argument("--format", choices=["text", "json"], default="text")
    v.add_argument("--rule", action="append", help="verify only this rule (repeatable)")
    v.add_argument("--no-cache", action="store_true", help="ignore and do not write the proof cache")
    v.add_argument("--cache-dir", help="proof cache folder (default: $XDG_CACHE_HOME/rewriter)")
    v.add_argument("-v", "--verbose", action="store_true", help="one line per instance")
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
    s.add_argument("--engine", choices=["greedy", "saturate"], default="greedy")
    s.set_defaults(func=cmd_simplify)

    r = sub.add_parser("run", help="run a kernel on inputs (random, or --inputs) and save its outputs")
    r.add_argument("kernel", help="a .ir file")
    r.add_argument("--target", choices=["ref", "cpu", "cuda", "webgpu"], default="ref")
    r.add_argument("--inputs", help=".npz with one array per input buffer (default: random)")
    r.add_argument("--seed", type=int, default=0, help="seed for random inputs")
    r.add_argument("-o", "--output", help="output .npz (default: <kernel>.out.npz)")
    r.add_argument("--rules", action="append", help="rule files or folders (default: the project's rules/)")
    r.set_defaults(func=cmd_run)

    o = sub.add_parser("optimize", help="optimize a kernel for a target; emit, run and check it")
    o.add_argument("kernel", help="a .ir file")
    o.add_argument("--target", choices=["cpu", "hexagon", "cuda", "webgpu"], default="cpu")
    o.add_argument("--emit", choices=["ir", "llvm", "asm", "ptx"], default="ir",
                   help="ir: simplified kernel (runnable) with the lowered program as # comments; "
                   "llvm: LLVM IR; asm: machine code (HVX assembly for --target hexagon); "
                   "ptx: PTX for sm_90 (--target cuda)")
    o.add_argument("-o", "--output", help="write the emitted text here (never over the input)")
    o.add_argument("--run", action="store_true", help="compile and run it, print the time")
    o.add_argument("--check", action="store_true", help="run it and compare with the reference interpreter")
    o.add_argument("--inputs", help=".npz inputs for --run/--check (default: random)")
    o.add_argument("--seed", type=int, default=0)
    o.add_argument("--repeat", type=_at_least(1), default=20, help="timing repetitions")
    o.add_argument("--unroll", type=_at_least(1), default=1, help="unroll the innermost reduce loop")
    o.add_argument("--no-vectorize", action="store_true", help="scalar loops only")
    o.add_argument("--engine", choices=["greedy", "saturate"], default="greedy",
                   help="greedy: first matching rule in library order; saturate: e-graph with every "
                   "rule, cheapest equivalent extracted")
    o.add_argument("--stats", action="store_true", help="which rules fired, how often, from where")
    o.add_argument("--fp-contract", action="store_true",
                   help="cuda: fuse the tiled matmul's a * b + acc into fma (one rounding; not bit-exact)")
    o.add_argument("--tensor-cores", action="store_true",
                   help="cuda: f16 matmuls on the tensor cores (mma.sync; their own f32 summation order: "
                   "not bit-exact)")
    o.add_argument("--rules", action="append", help="rule files or folders (default: the project's rules/)")
    o.add_argument("--scheduler", choices=["list", "global"], default="global",
                   help="hexagon: list scheduling, or the global modulo solver (software pipelining)")
    o.add_argument("--time-limit", type=_at_least(0, float, "seconds"), metavar="SECONDS",
                   help="hexagon --scheduler global: solver seconds per candidate loop body (default 2; "
                   "the anytime search keeps its best schedule and reports the gap)")
    o.add_argument("--schedule-svg", help="hexagon --scheduler global: draw the steady-state loop here")
    o.add_argument("--explain", action="store_true",
                   help="hexagon --scheduler global: every alternative tried (selection form, unroll, "
                   "solver or list placement) with its costs, the chosen one first; II, bounds, gap, "
                   "saturations and the solver's search log")
    o.set_defaults(func=cmd_optimize)

    b = sub.add_parser("bench", help="time optimized kernels against numpy doing the same computation")
    b.add_argument("kernels", nargs="*", help=".ir files (default: examples/*.ir)")
    b.add_argument("--target", choices=["cpu", "hexagon"], default="cpu",
                   help="cpu: ours vs numpy (time); hexagon: ours vs LLVM -O3 (QEMU packets)")
    b.add_argument("--scheduler", choices=["list", "global"], default="global",
                   help="hexagon: list scheduling, or the global modulo solver (software pipelining)")
    b.add_argument("--time-limit", type=_at_least(0, float, "seconds"), metavar="SECONDS",
                   help="hexagon --scheduler global: solver seconds per candidate loop body (default 2)")
    b.add_argument("--repeat", type=_at_least(1), default=50)
    b.add_argument("--out", help="also write the table (markdown) to this file")
    b.add_argument("--rules", action="append", help="rule files or folders (default: the project's rules/)")
    b.set_defaults(func=cmd_bench)

    li = sub.add_parser("lint", help="find rules that never fire because an earlier rule always wins")
    li.add_argument("paths", nargs="*", help="rule files or folders (default: the project's rules/)")
    li.set_defaults(func=cmd_lint)

    f = sub.add_parser("fmt", help="print rule files in canonical form (to stdout; never in place)")
    f.add_argument("files", nargs="+")
    f.set_defaults(func=cmd_fmt)

    from rewriter.fuzz import add_arguments as add_fuzz_arguments

    fz = sub.add_parser("fuzz", help="random terms and kernels through the rules and targets, "
                        "checked against the interpreter; failures shrunk and saved")
    add_fuzz_arguments(fz)
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
    except KeyboardInterrupt:
        print("rewriter: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
