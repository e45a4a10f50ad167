"""Parser fuzzing: every shipped `.rules` and `.ir` file, truncated and with bytes flipped, through
the command line in-process. Whatever the bytes, the answer is an exit code of 0 or 2 with at
most a one-line error: never a traceback, never another exit code (issue 15).

What runs is the front end without proving or compiling anything:
  .rules  `rewriter verify --rule - FILE`: read, parse, type-check and instantiate every rule,
          check the file's scope, then stop (no rule is named `-`: exit 2 with "no rule
          named"); where that far was reached, `rewriter fmt FILE` prints the mutant (the
          pattern printer on every rule that parsed), exit 0;
  .ir     `rewriter optimize FILE --validate-ir --check --inputs MISSING`: read, parse, type
          and check the kernel (names, ranks, races, bounds), validate it against the op
          vocabulary, then stop where the inputs are read (exit 2, "cannot read inputs").

Mutants are deterministic (seeded), tried in a seeded order for a fixed time per group, so a
run costs the same on any machine; how many were tried is printed (`pytest -s`). A rule file's
mutant is run on a window of it -- the scope line, the rule the mutation is in and the next
one -- since the grammar's state at a rule's start does not depend on the rules before it;
parsing a whole 12 KB library per mutant would try ten times fewer mutants in the same time.
"""
from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from rewriter.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = sorted((ROOT / "rules").glob("*.rules"))
KERNEL_FILES = sorted((ROOT / "examples").rglob("*.ir"))
#: Seconds per group of mutants (rules / kernels x truncations / flips).
BUDGET_S = 3.0
#: Bytes a flip writes: any byte, and the language's own characters (which reach deeper into
#: the grammar than random bytes do).
SYNTAX = b"()[]{}<>+-*/%=!&|^~,:;.#\n 0123456789xX_aAzZ"


def _run(capsys, argv) -> tuple[int, str, str]:
    try:
        rc = main(argv)
    except SystemExit as e:  # argparse: cannot happen with these fixed arguments
        rc = e.code
    out = capsys.readouterr()
    return rc, out.out, out.err


def _rule_window(data: bytes, start: int, end: int) -> tuple[bytes, int]:
    """(the scope line + the bytes from the start of the rule holding `start` to the end of
    the rule after `end`; how far `start` moved in it)."""
    starts = [m.start() for m in re.finditer(rb"^rule\b", data, re.M)] or [0]
    first = max([s for s in starts if s <= start] or [0])
    later = [s for s in starts if s > end]
    last = later[1] if len(later) > 1 else len(data)
    scope = re.search(rb"^scope .*\n", data[:starts[0]], re.M)
    head = scope.group(0) if scope and first >= scope.end() else b""
    return head + data[first:last], len(head) - first


def _mutants(data: bytes, kind: str, rng: random.Random):
    """(description, start, end, mutated bytes), endlessly, in a seeded order."""
    if kind == "truncate":
        offsets = list(range(len(data)))
        rng.shuffle(offsets)
        for o in offsets:
            yield f"truncated at byte {o}", o, o, data[:o]
        return
    while True:
        o = rng.randrange(len(data))
        how = rng.randrange(3)
        if how == 0:
            b = rng.randrange(256)
            yield f"byte {o} set to 0x{b:02x}", o, o + 1, data[:o] + bytes([b]) + data[o + 1:]
        elif how == 1:
            b = SYNTAX[rng.randrange(len(SYNTAX))]
            yield f"byte {o} set to {chr(b)!r}", o, o + 1, data[:o] + bytes([b]) + data[o + 1:]
        else:
            yield f"byte {o} deleted", o, o, data[:o] + data[o + 1:]


def _interleave(files, kind: str, seed: int):
    """Each file's mutants in turn (every file gets its share of the budget)."""
    streams = [(f, _mutants(f.read_bytes(), kind, random.Random(f"{seed}:{f.name}:{kind}"))) for f in files]
    while streams:
        for item in list(streams):
            f, stream = item
            m = next(stream, None)
            if m is None:
                streams.remove(item)
                continue
            yield f, m


def _check(rc: int, out: str, err: str, what: str) -> None:
    text = out + err
    assert rc in (0, 2), f"{what}: exit {rc}\n{text[-2000:]}"
    assert "Traceback" not in text, f"{what}: a traceback\n{text[-2000:]}"
    if rc == 2:
        assert err.strip(), f"{what}: exit 2 without an error message"


@pytest.mark.parametrize("kind", ["truncate", "flip"])
def test_mutated_rule_files_are_accepted_or_refused_cleanly(tmp_path, capsys, kind):
    path = tmp_path / "mutant.rules"
    tried, accepted, refused = 0, 0, 0
    deadline = time.monotonic() + BUDGET_S
    for f, (desc, start, end, data) in _interleave(RULE_FILES, kind, seed=15):
        if time.monotonic() > deadline:
            break
        path.write_bytes(_rule_window(data, start, end)[0])
        what = f"{f.name} {desc}"
        rc, out, err = _run(capsys, ["verify", "--no-cache", "--rule", "-", str(path)])
        _check(rc, out, err, what)
        tried += 1
        if "no rule named -" in err:  # read, parsed and typed: print it too
            accepted += 1
            rc, out, err = _run(capsys, ["fmt", str(path)])
            _check(rc, out, err, what + " (fmt)")
            assert rc == 0, f"{what}: verify read it, fmt refused it: {err}"
        else:
            refused += 1
    with capsys.disabled():
        print(f"\n  rules/{kind}: {tried} mutants in {BUDGET_S:.0f} s ({accepted} accepted, {refused} refused)")
    assert tried >= 20 and accepted and refused


@pytest.mark.parametrize("kind", ["truncate", "flip"])
def test_mutated_kernel_files_are_accepted_or_refused_cleanly(tmp_path, capsys, kind):
    path = tmp_path / "mutant.ir"
    missing = str(tmp_path / "no-inputs.npz")
    tried, accepted, refused = 0, 0, 0
    deadline = time.monotonic() + BUDGET_S
    for f, (desc, _, _, data) in _interleave(KERNEL_FILES, kind, seed=15):
        if time.monotonic() > deadline:
            break
        path.write_bytes(data)
        rc, out, err = _run(capsys, ["optimize", str(path), "--validate-ir", "--check", "--inputs", missing])
        _check(rc, out, err, f"{f.relative_to(ROOT)} {desc}")
        assert rc == 2  # the inputs are missing: nothing is compiled
        tried += 1
        if "cannot read inputs" in err:
            accepted += 1
        else:
            refused += 1
    with capsys.disabled():
        print(f"\n  examples/{kind}: {tried} mutants in {BUDGET_S:.0f} s ({accepted} accepted, {refused} refused)")
    assert tried >= 20 and accepted and refused


def test_the_rule_window_keeps_the_scope_and_the_mutated_rule():
    text = b"# head\nscope hexagon\n\nrule a: x + 0 => x\n# doc of b\nrule b: x * 1 => x\nrule c: x - 0 => x\n"
    at = text.index(b"x * 1")
    window, shift = _rule_window(text, at, at)
    assert window == b"scope hexagon\n" + text[text.index(b"rule b"):]
    assert window[at + shift:].startswith(b"x * 1")
    window, _ = _rule_window(text, 0, 0)  # before the first rule: the file's start, and rule a
    assert window == text[:text.index(b"rule b")]
