"""A hostile-input audit of the command line (issue 15), for the numbers a closing note needs:
inputs tried, exits by code, tracebacks, hangs, files changed.

    .venv/bin/python bench/hardening_audit.py [--seconds 120] [--seed 1]

Every input goes through `rewriter.cli.main` in-process (as the tests do) in a scratch folder
holding copies of the shipped rules and examples; each run is watched for a traceback on
stdout/stderr, an exit code other than 0, 1, 2, and time over a bound (a hang). At the end,
every file of the checkout is compared with its hash before the audit: none may change.

Inputs, drawn in a seeded round-robin until the time is up:
  * truncations and byte flips of every shipped .rules and .ir file, through `verify --rule -`,
    `fmt`, `lint` (rules) and `run --target ref` / `optimize --check` (kernels);
  * hostile command-line values: seeds, time limits, repeat counts, jobs, unroll factors
    (negative, zero, huge, inf, nan, text);
  * hostile `--inputs` files (empty, a .npy, truncated, garbage, wrong shapes);
  * hostile kernels (huge shapes and ranges, deep nesting, long chains, long names, literals);
  * outputs aimed at inputs (the kernel, a hard link to it, a rule file, a .md file).
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from rewriter.cli import main

ROOT = Path(__file__).resolve().parent.parent
HANG_S = 60.0  # one input running longer than this counts as a hang


def _tree_hashes(root: Path) -> dict:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    return {f: hashlib.sha256((root / f).read_bytes()).hexdigest()
            for f in files.decode().split("\0") if f and (root / f).is_file()}


def _run(argv) -> tuple[int, str, float]:
    out, err = io.StringIO(), io.StringIO()
    t0 = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as e:  # argparse's own refusals: exit 2 with a usage line
            rc = e.code if isinstance(e.code, int) else 2
        except BaseException as e:  # noqa: BLE001 - an escape is exactly what we count
            rc = f"escaped {type(e).__name__}"
    return rc, out.getvalue() + err.getvalue(), time.monotonic() - t0


def _mutate(data: bytes, rng: random.Random) -> bytes:
    o = rng.randrange(max(len(data), 1))
    how = rng.randrange(4)
    if how == 0:
        return data[:o]
    if how == 1:
        return data[:o] + bytes([rng.randrange(256)]) + data[o + 1:]
    if how == 2:
        return data[:o] + data[o + 1:]
    return data[:o] + rng.choice([b"(", b")", b"0" * 5000, b"-" * 3000, b"08", b"\xff", b"+a" * 500]) + data[o:]


def _inputs(work: Path, rng: random.Random):
    """(label, argv) pairs, endlessly, in a seeded round-robin over the input families."""
    rules = sorted((work / "rules").glob("*.rules"))
    kernels = sorted((work / "examples").rglob("*.ir"))
    values = ["-1", "0", "1e308", "inf", "nan", "-inf", "abc", "99999999999999999999999", "1e-300"]
    def kernel(ins: str, out: str, body: str, rng_: str = "i = range(4)") -> str:
        return f"kernel k({ins}) -> ({out}) {{\n  {rng_}\n  {body}\n}}\n"

    hostile_kernels = [
        kernel("a: u8[100000000000]", "o: u8[4]", "o[i] = a[i]"),
        kernel("a: f32[100000, 100000]", "o: f32[4]", "o[i] = a[i]"),
        kernel("a: u8[4]", "o: u8[4]", "o[i] = " + "-" * 10000 + "a[i]"),
        kernel("a: i32[4]", "o: i32[4]", "o[i] = " + " + ".join(["a[i]"] * 3000)),
        kernel("a" * 5000 + ": u8[4]", "o: u8[4]", "o[i] = 1"),
        kernel("a: u8[4]", "o: u8[4]", "o[i] = a[i] + 0" + "9" * 6000),
        kernel("a: u8[" + ", ".join(["2"] * 40) + "]", "o: u8[4]", "o[i] = 1"),
        kernel("a: u8[4]", "o: u8[4]", "o[i] = a[i]", "i = range(1000000000000000000000000000000)"),
        kernel("a: i32[8]", "o: i32[8]", "o[i] = a[i] / (a[i] - a[i])", "i = range(8)"),
    ]
    bad_npz = [b"", b"\x93NUMPY\x01\x00", b"PK\x03\x04garbage", os.urandom(64)]
    n = 0
    while True:
        n += 1
        family = n % 5
        if family == 0:
            src = rng.choice(rules)
            f = work / "mutants" / f"m{n}.rules"
            f.write_bytes(_mutate(src.read_bytes(), rng))
            cmd = rng.choice([["verify", "--rule", "-", "--no-cache"], ["fmt"], ["lint"]])
            yield "rules mutant", [*cmd, str(f)]
        elif family == 1:
            # `run` computes every output exactly: the examples/gpu/ kernels (2^28 elements)
            # take minutes in the reference interpreter by design, so they are compiled only.
            src = rng.choice(kernels)
            f = work / "mutants" / f"m{n}.ir"
            f.write_bytes(_mutate(src.read_bytes(), rng))
            small = src.parent == work / "examples"
            yield "kernel mutant", rng.choice([["run", str(f), "-o", str(work / "out" / f"o{n}.npz")]] * small
                                               + [["optimize", str(f), "--validate-ir"]])
        elif family == 2:
            k = str(rng.choice(kernels[:4]))
            flag, cmd = rng.choice([("--seed", "run"), ("--repeat", "optimize"), ("--time-limit", "optimize"),
                                    ("--unroll", "optimize"), ("--timeout", "verify"), ("-j", "verify")])
            target = k if cmd != "verify" else str(rules[0])
            extra = ["--target", "hexagon"] if flag == "--time-limit" else []
            yield "flag value", [cmd, target, flag, rng.choice(values), *extra, *(
                ["-o", str(work / "out" / f"o{n}.npz")] if cmd == "run" else [])]
        elif family == 3:
            f = work / "mutants" / f"in{n}.npz"
            f.write_bytes(rng.choice(bad_npz))
            yield "inputs file", ["run", str(kernels[0]), "--inputs", str(f), "-o", str(work / "out" / f"o{n}.npz")]
        else:
            choice = rng.randrange(3)
            if choice == 0:
                f = work / "mutants" / f"h{n}.ir"
                f.write_text(rng.choice(hostile_kernels))
                yield "hostile kernel", ["run", str(f), "-o", str(work / "out" / f"o{n}.npz")]
            elif choice == 1:
                k = rng.choice([k for k in kernels if k.parent == work / "examples"])  # CPU-sized
                link = work / "out" / f"link{n}.npz"
                if not link.exists():
                    os.link(k, link)
                yield "output onto an input", rng.choice([["optimize", str(k), "-o", str(link)],
                                                          ["optimize", str(k), "-o", str(k)],
                                                          ["optimize", str(k), "-o", str(work / "README.md")],
                                                          ["run", str(k), "-o", str(rules[0])]])
            else:
                yield "output onto docs", ["bench", str(kernels[0]), "--repeat", "1", "--out", str(work / "README.md")]


def audit(seconds: float, seed: int, verbose: bool = False) -> dict:
    before = _tree_hashes(ROOT)
    rng = random.Random(seed)
    exits, families, escapes, hangs, tracebacks = Counter(), Counter(), [], [], []
    with tempfile.TemporaryDirectory(prefix="rewriter-audit-") as d:
        work = Path(d)
        shutil.copytree(ROOT / "rules", work / "rules")
        shutil.copytree(ROOT / "examples", work / "examples")
        (work / "README.md").write_text("# docs a user wrote\n")
        (work / "mutants").mkdir()
        (work / "out").mkdir()
        protected = {p: p.read_bytes() for p in [work / "README.md", *sorted((work / "examples").rglob("*.ir")),
                                                 *sorted((work / "rules").glob("*"))]}
        cwd = os.getcwd()
        os.chdir(work)
        try:
            deadline = time.monotonic() + seconds
            for label, argv in _inputs(work, rng):
                if time.monotonic() > deadline:
                    break
                rc, text, took = _run(argv)
                families[label] += 1
                exits[rc] += 1
                if "Traceback" in text:
                    tracebacks.append((label, argv))
                if isinstance(rc, str) or rc not in (0, 1, 2):
                    escapes.append((label, argv, rc))
                if took > HANG_S:
                    hangs.append((label, argv, round(took)))
                if verbose and took > 2.0:
                    print(f"  slow ({took:.1f} s): {label}: {' '.join(argv)[:160]}", flush=True)
        finally:
            os.chdir(cwd)
        changed_inputs = [str(p.relative_to(work)) for p, b in protected.items() if p.read_bytes() != b]
    after = _tree_hashes(ROOT)
    changed = sorted(f for f in before if before[f] != after.get(f))
    return {"inputs": sum(families.values()), "families": dict(families), "exits": dict(exits),
            "tracebacks": tracebacks, "escapes": escapes, "hangs": hangs,
            "inputs_changed": changed_inputs, "checkout_changed": changed}


def run_main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python bench/hardening_audit.py", description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-v", "--verbose", action="store_true", help="name every input that took over 2 s")
    args = ap.parse_args(argv)
    np.seterr(all="ignore")
    r = audit(args.seconds, args.seed, args.verbose)
    print(f"inputs tried: {r['inputs']} ({', '.join(f'{k}: {v}' for k, v in sorted(r['families'].items()))})")
    print(f"exits by code: {', '.join(f'{k}: {v}' for k, v in sorted(r['exits'].items(), key=str))}")
    print(f"tracebacks: {len(r['tracebacks'])}; exits outside 0/1/2: {len(r['escapes'])}; "
          f"hangs (> {HANG_S:.0f} s): {len(r['hangs'])}")
    print(f"protected inputs changed: {len(r['inputs_changed'])}; checkout files changed: {len(r['checkout_changed'])}")
    for what in ("tracebacks", "escapes", "hangs", "inputs_changed", "checkout_changed"):
        for item in r[what][:5]:
            print(f"  {what}: {item}")
    bad = r["tracebacks"] or r["escapes"] or r["hangs"] or r["inputs_changed"] or r["checkout_changed"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(run_main())
