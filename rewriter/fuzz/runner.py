"""The fuzz loop: hypothesis rounds, time limits, shrinking, the corpus and the summary.

A run is a sequence of rounds. Each round runs one mode (terms and kernels alternate under
`--mode both`) as a hypothesis `@given` test under its own seed, derived from the run's seed
and the round's number, so `--seed N` replays the same cases in the same order. A round
ends at its time slice; a failure ends the generation, and hypothesis then shrinks it (for
up to `shrink_s` seconds, past the run's time limit if need be) before it is written to the
corpus. A bug already reported in this run (same signature: same rule or engine step to
blame, same target and kind of mismatch) is not reported again; the search goes on until
the time is up or `max_failures` distinct failures were found.
"""
from __future__ import annotations

import random
import re
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed

from rewriter.dsl.rule import load_library
from rewriter.errors import RewriterError
from rewriter.flags import MAX_SECONDS
from rewriter.fuzz.modes import KernelMode, RunInfo, TermMode
from rewriter.fuzz.targets import check_runs_here, get_target
from rewriter.fuzz.terms import TERM_DTYPES
from rewriter.ir.dtype import parse_dtype
from rewriter.rules_path import default_rule_paths

MODES = ("terms", "kernels", "both")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|m|min|h)?\s*$")


def parse_duration(text) -> float:
    """`60`, `60s`, `2m`, `1.5h`, `500ms` -> seconds."""
    if isinstance(text, (int, float)):
        seconds = float(text)
    else:
        m = _DURATION.match(str(text))
        if not m:
            raise RewriterError(f"bad duration {text!r}: expected seconds such as 60, 60s, 2m or 1h")
        seconds = float(m.group(1)) * {None: 1, "s": 1, "ms": 1e-3, "m": 60, "min": 60, "h": 3600}[m.group(2)]
    if seconds <= 0:
        raise RewriterError(f"bad duration {text!r}: it must be positive")
    if not seconds <= MAX_SECONDS:  # the same ceiling as every time flag (rewriter/flags.py)
        raise RewriterError(f"bad duration {text!r}: at most {MAX_SECONDS:g} s")
    return seconds


@dataclass
class FuzzConfig:
    rules: list = field(default_factory=default_rule_paths)
    targets: list = field(default_factory=lambda: ["cpu"])
    time_s: float = 60.0
    seed: int | None = None  # None: a random seed, printed
    corpus: Path = Path("fuzz-corpus")
    mode: str = "both"
    max_failures: int = 1
    shrink_s: float = 30.0  # shrinking time per failure (may run past time_s)
    library: object = None  # an already loaded RuleLibrary (else loaded from `rules`)
    types: list = field(default_factory=list)  # scalar types to fuzz at (default: all)
    term_depth: int = 4
    kernel_depth: int = 3
    first_cases: int = 5  # how many first cases per mode the report keeps (for --seed checks)


@dataclass
class Failure:
    mode: str
    kind: str
    message: str
    path: Path
    round: int


@dataclass
class FuzzReport:
    seed: int
    elapsed: float = 0.0
    rounds: int = 0
    rules: int = 0
    counts: dict = field(default_factory=dict)  # mode -> Counter
    failures: list = field(default_factory=list)
    first_cases: dict = field(default_factory=dict)  # mode -> [text of the first cases]
    notes: list = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


class _Stop(BaseException):
    """Time is up: a BaseException, so hypothesis lets it through at once."""


class _Found(Exception):
    def __init__(self, finding):
        super().__init__(finding.message)
        self.finding = finding


def round_seed(seed: int, index: int) -> int:
    return random.Random(seed * 1_000_003 + index).getrandbits(64)


def _settings():
    return settings(database=None, deadline=None, max_examples=10**9, derandomize=False,
                    suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet,
                    report_multiple_bugs=False, print_blob=False, phases=(Phase.generate, Phase.shrink))


def run_round(mode, seed: int, stop_at: float, shrink_s: float, counts: Counter, known: set,
              first: list, keep_first: int = 5):
    """One hypothesis run of `mode` until `stop_at`; returns the (shrunk) new finding or None."""
    state = {"finding": None, "until": None}
    scratch = Counter()

    @hypothesis_seed(seed)
    @_settings()
    @given(mode.strategy())
    def test(case):
        now = time.monotonic()
        shrinking = state["finding"] is not None
        if now >= (state["until"] if shrinking else stop_at):
            raise _Stop()
        if shrinking:
            counts["shrink steps"] += 1
        else:
            counts["cases"] += 1
            if len(first) < keep_first:
                first.append(mode.describe(case))
        finding = mode.check(case, scratch if shrinking else counts)
        if finding is None:
            return
        if finding.signature in known:
            if not shrinking:
                counts["a known failure again"] += 1
            return
        if shrinking and finding.signature != state["finding"].signature:
            return  # shrink the bug that was found, not whichever fails
        if not shrinking:
            state["until"] = now + shrink_s
        state["finding"] = finding
        raise _Found(finding)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            test()
        except _Stop:
            pass
        except _Found as e:  # hypothesis replayed the shrunk example: it is the one to save
            state["finding"] = e.finding
        except Exception as e:  # noqa: BLE001 - hypothesis' own errors (flaky replay...): keep the best seen
            counts[f"hypothesis: {type(e).__name__}"] += 1
    return state["finding"]


def make_modes(config: FuzzConfig, library) -> list:
    if config.mode not in MODES:
        raise RewriterError(f"unknown fuzz mode '{config.mode}' (one of {', '.join(MODES)})")
    targets = [get_target(t) for t in config.targets]
    if not targets:
        raise RewriterError("no fuzz target given")
    types = parse_types(config.types)
    modes = []
    if config.mode in ("terms", "both"):
        modes.append(TermMode(library, config.term_depth, dtypes=types))
    if config.mode in ("kernels", "both"):
        modes.append(KernelMode(library, targets, config.kernel_depth, dtypes=types))
    return modes


def parse_types(names) -> tuple:
    """`["i32", "f32,u8"]` -> DTypes; only scalar types the evaluator runs."""
    out = []
    for spec in names or []:
        for name in str(spec).split(","):
            if not name.strip():
                continue
            t = parse_dtype(name.strip())
            if t not in TERM_DTYPES:
                raise RewriterError(f"--types: cannot fuzz at {t} (scalar types: "
                                    f"{', '.join(str(u) for u in TERM_DTYPES)})")
            out.append(t)
    return tuple(dict.fromkeys(out))


def run_fuzz(config: FuzzConfig, log=print, progress: Callable[[FuzzReport, float], None] | None = None
             ) -> FuzzReport:
    """Fuzz for `config.time_s` seconds; failures go to `config.corpus`. `log(line)` is told
    about each failure as it is saved, `progress(report so far, seconds)` after each round."""
    if config.max_failures < 1:
        raise RewriterError("--max-failures must be at least 1")
    for t in config.targets:
        get_target(t)  # unknown targets are bad input, before anything runs
    if config.library is None:
        library = load_library(config.rules)
    else:
        library = config.library
    modes = make_modes(config, library)  # bad modes, types and targets fail here, before any work
    if config.mode in ("kernels", "both"):
        for t in config.targets:
            check_runs_here(t, library)  # a target without its driver or tools is refused once
    seed = config.seed if config.seed is not None else random.SystemRandom().randrange(1 << 32)
    report = FuzzReport(seed, rules=len(library))
    for m in modes:
        report.counts[m.name] = Counter()
        report.first_cases[m.name] = []
    log(f"rewriter fuzz: seed {seed}, {config.time_s:g} s, {' and '.join(m.name for m in modes)}, "
        f"targets {', '.join(config.targets)}; failures go to {config.corpus}/")
    start = time.monotonic()
    deadline = start + config.time_s
    slice_s = min(30.0, max(1.0, config.time_s / 4))
    known: set = set()
    index = 0
    while time.monotonic() < deadline and len(report.failures) < config.max_failures:
        mode = modes[index % len(modes)]
        stop_at = min(deadline, time.monotonic() + slice_s)
        finding = run_round(mode, round_seed(seed, index), stop_at, config.shrink_s, report.counts[mode.name],
                            known, report.first_cases[mode.name], config.first_cases)
        if finding is not None:
            if hasattr(mode, "minimize"):
                finding = mode.minimize(finding)
            known.add(finding.signature)
            info = RunInfo(seed, index, list(config.rules), list(config.targets), f"{config.time_s:g}s")
            path = mode.save(finding, Path(config.corpus), info)
            report.failures.append(Failure(mode.name, finding.kind, finding.message, path, index))
            log(f"FAILURE ({mode.name}): {finding.message}")
            log(f"  saved to {path}/  (seed {seed}, round {index})")
        index += 1
        if progress is not None:
            report.rounds = index
            progress(report, time.monotonic() - start)
    report.rounds = index
    report.elapsed = time.monotonic() - start
    return report


def format_summary(report: FuzzReport, config: FuzzConfig) -> str:
    lines = [f"rewriter fuzz: seed {report.seed}, {report.elapsed:.1f} s, {report.rounds} rounds, "
             f"{report.rules} rules from {', '.join(map(str, config.rules))}, "
             f"targets: {', '.join(config.targets)}"]
    for mode, c in report.counts.items():
        failures = sum(1 for f in report.failures if f.mode == mode)
        extra = ", ".join(f"{n} {k}" for k, n in sorted(c.items()) if k not in ("cases",))
        lines.append(f"  {mode:<8} {c['cases']:6d} cases, {failures} failure{'s' * (failures != 1)}"
                     + (f"  ({extra})" if extra else ""))
    for f in report.failures:
        lines.append(f"  FAILED {f.mode}: {f.message}")
        lines.append(f"         {f.path}/")
    if report.failures:
        rules = " ".join(f"--rules {r}" for r in config.rules)
        lines.append(f"{len(report.failures)} failure{'s' * (len(report.failures) != 1)}; replay the run with: "
                     f"rewriter fuzz {rules} {' '.join(f'--target {t}' for t in config.targets)} "
                     f"--mode {config.mode} --seed {report.seed}")
    else:
        lines.append("no failures")
    return "\n".join(lines)
