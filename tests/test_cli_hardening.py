"""Issue 15, the command line: bad numbers, bad input files and output paths that would
destroy data are refused with one line and exit 2 (never a traceback), and the files a
command reads are byte-identical afterwards. Every test goes through `rewriter.cli.main`."""
from __future__ import annotations

import io
import os
import tomllib
import zipfile
from pathlib import Path

import numpy as np
import pytest

import rewriter
import rewriter.fuzz.targets as fuzz_targets
from rewriter.cli import main
from rewriter.errors import ToolchainError
from rewriter.kernel.parser import load_kernel
from rewriter.kernel.reference import random_inputs, run_reference
from rewriter.outputs import write_npz

REPO = Path(__file__).resolve().parent.parent
RELU = REPO / "examples" / "relu_f32.ir"  # relu_f32(x: f32[65536]) -> (out: f32[65536])


def one_line_error(capsys, *needles: str) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err
    return err


def argparse_refuses(argv, capsys, *needles):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and all(n in err for n in needles), err


@pytest.fixture
def kernel(tmp_path) -> Path:
    """A copy of relu_f32 the test may link to; the test checks it is never changed."""
    k = tmp_path / "k.ir"
    k.write_bytes(RELU.read_bytes())
    return k


@pytest.fixture
def rules(tmp_path) -> Path:
    """A one-rule library (fast to load), in a folder with its ORDER manifest."""
    d = tmp_path / "lib"
    d.mkdir()
    (d / "r.rules").write_text("rule r: x + 0 => x\n")
    (d / "ORDER").write_text("r.rules\n")
    return d


# -- numbers --------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv,message", [
    (["run", str(RELU), "--seed", "-1"], "argument --seed: must be >= 0, got -1"),
    (["optimize", str(RELU), "--run", "--seed", "-1"], "argument --seed: must be >= 0, got -1"),
    (["run", str(RELU), "--seed", str(2**64)], "must be <="),
    (["optimize", str(RELU), "--target", "hexagon", "--time-limit", "inf"], "must be a finite number of seconds"),
    (["optimize", str(RELU), "--target", "hexagon", "--time-limit", "1e308"], "must be at most 604800 seconds"),
    (["optimize", str(RELU), "--target", "hexagon", "--time-limit", "nan"], "must be a finite number"),
    (["bench", str(RELU), "--target", "hexagon", "--time-limit", "inf"], "must be a finite number"),
    (["verify", "--timeout", "inf"], "argument --timeout: must be a finite number of seconds, got inf"),
    (["verify", "--timeout", "1e10"], "must be at most"),
    (["verify", "-j", "100000"], "must be <= 1024"),
    (["optimize", str(RELU), "--unroll", "1000000000"], "must be <= 1024"),
    (["optimize", str(RELU), "--run", "--repeat", "1e3"], "expected an integer, got '1e3'"),
    (["fuzz", "--seed", "-5"], "argument --seed: must be >= 0"),
    (["fuzz", "--max-failures", "0"], "must be >= 1, got 0"),
])
def test_numeric_flags_are_checked_before_any_work(argv, message, capsys):
    """`--seed -1` was a numpy traceback, `--timeout inf` an OverflowError in every verify
    instance, `--time-limit inf` an unbounded search: every numeric flag now parses through
    rewriter/flags.py's types."""
    argparse_refuses(argv, capsys, message)


def test_fuzz_durations_are_capped_too(capsys, tmp_path):
    assert main(["fuzz", "--time", "99999999999999999999", "--corpus", str(tmp_path / "c")]) == 2
    one_line_error(capsys, "at most 604800 s")


# -- --inputs -------------------------------------------------------------------------------------
def _npy_member(header: str, pad: int = 0, data: bytes = b"") -> bytes:
    h = header + " " * pad + "\n"
    return b"\x93NUMPY\x02\x00" + len(h).to_bytes(4, "little") + h.encode() + data


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


GOOD = np.zeros(65536, np.float32)
HEADER = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }"
BAD_INPUTS = {
    "empty": (lambda p: p.write_bytes(b""), "the file is empty"),
    "npy": (lambda p: p.write_bytes(_savez_member(GOOD)), "is a single .npy array"),
    "truncated": (lambda p: p.write_bytes(_savez_bytes(x=GOOD)[:5000]), "damaged or truncated"),
    "not a zip": (lambda p: p.write_text("x = 1, 2, 3\n"), "not an .npz file"),
    "huge header": (lambda p: _zip(p, {"x.npy": _npy_member(HEADER % "(65536,)", pad=200_000)}),
                    "damaged or truncated .npz (Header info length"),
    "huge shape": (lambda p: _zip(p, {"x.npy": _npy_member(HEADER % "(10000000000000,)")}),
                   "array 'x' has shape [10000000000000], the kernel declares x: f32[65536]"),
    "short data": (lambda p: _zip(p, {"x.npy": _npy_member(HEADER % "(65536,)", data=b"abc")}),
                   "damaged or truncated"),
    "wrong dtype": (lambda p: np.savez(p, x=GOOD.astype(np.complex64)), "values of numpy type complex64"),
    "object dtype": (lambda p: np.savez(p, x=np.array([None] * 3, dtype=object)), "values of numpy type object"),
    "wrong shape": (lambda p: np.savez(p, x=GOOD[:7]), "array 'x' has shape [7]"),
    "missing": (lambda p: np.savez(p, y=GOOD), "has no array for input 'x' of kernel relu_f32 (it holds: y)"),
    "extra": (lambda p: np.savez(p, x=GOOD, out=GOOD), "holds 'out', which kernel relu_f32 does not read"),
    "not an array": (lambda p: _zip(p, {"x.npy": _savez_member(GOOD), "notes.txt": b"hi"}),
                     "holds 'notes.txt', which is not an array"),
}


def _savez_bytes(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _savez_member(arr) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_inputs_files_are_one_line_errors_naming_the_file(case, kernel, tmp_path, capsys):
    make, message = BAD_INPUTS[case]
    ins = tmp_path / "in.npz"
    make(ins)
    before = ins.read_bytes()
    out = tmp_path / "o.npz"
    for argv in (["run", str(kernel)], ["optimize", str(kernel), "--check"]):
        assert main([*argv, "--inputs", str(ins), "-o", str(out)]) == 2
        one_line_error(capsys, f"{ins}: ", message)
    assert ins.read_bytes() == before and not out.exists() and kernel.read_bytes() == RELU.read_bytes()


def test_inputs_that_are_a_folder_or_missing(tmp_path, capsys):
    for ins, message in ((tmp_path, "is a folder"), (tmp_path / "nope.npz", "No such file")):
        assert main(["run", str(RELU), "--inputs", str(ins), "-o", str(tmp_path / "o.npz")]) == 2
        one_line_error(capsys, str(ins), message)


def test_good_inputs_still_run(kernel, tmp_path, capsys):
    ins = tmp_path / "in.npz"
    x = np.linspace(-2, 2, 65536, dtype=np.float32)
    np.savez(ins, x=x)
    assert main(["run", str(kernel), "--inputs", str(ins), "-o", str(tmp_path / "o.npz")]) == 0
    with np.load(tmp_path / "o.npz") as got:
        assert np.array_equal(got["out"], np.maximum(x, 0))


# -- the CPU runtime: more buffers than ctypes passes ------------------------------------------------
def test_a_kernel_with_over_1024_buffers_runs_on_the_cpu(tmp_path, capsys):
    """ctypes calls at most 1024 arguments and the JIT'd kernel took one per buffer:
    `ctypes.ArgumentError ... maximum is 1024`. It now takes an array of pointers."""
    n = 1030
    lines = ["kernel many(x: i32[2]) -> (out: i32[2]) {", "  i = range(2)", "  t0[i] = x[i] + 1"]
    lines += [f"  t{k}[i] = t{k - 1}[i] ^ {k}" for k in range(1, n)]
    lines += [f"  out[i] = t{n - 1}[i]", "}"]
    src = tmp_path / "many.ir"
    src.write_text("\n".join(lines) + "\n")
    rules = tmp_path / "none.rules"
    rules.write_text("rule r: x + 0 => x\n")
    out = tmp_path / "o.npz"
    assert main(["run", str(src), "--target", "cpu", "--rules", str(rules), "--seed", "4", "-o", str(out)]) == 0
    k = load_kernel(src)
    inputs = random_inputs(k, 4)
    with np.load(out) as got:
        assert np.array_equal(got["out"], run_reference(k, inputs)["out"])


# -- fuzz, --version, verify of nothing, -o without a suffix -----------------------------------------
def test_fuzz_refuses_a_target_that_cannot_run_here_once(tmp_path, capsys, monkeypatch):
    """`fuzz --target cuda` without a GPU recorded the missing driver as a failure and saved
    a corpus case; a target whose driver or tool is missing is now refused once, exit 2."""
    monkeypatch.setattr(fuzz_targets, "TARGETS", dict(fuzz_targets.TARGETS))

    def no_driver(kernel, library, inputs):
        raise ToolchainError("no driver for this (a test target)")

    fuzz_targets.register_target("nodriver", run=no_driver)
    corpus = tmp_path / "corpus"
    rules = tmp_path / "one.rules"
    rules.write_text("rule r: x + 0 => x\n")
    assert main(["fuzz", "--target", "nodriver", "--mode", "kernels", "--time", "2s", "--rules", str(rules),
                 "--corpus", str(corpus)]) == 2
    one_line_error(capsys, "--target nodriver cannot run here: no driver for this")
    assert not corpus.exists()


def test_fuzz_cuda_without_a_driver_is_refused(tmp_path, capsys):
    from rewriter.runtime.cuda import Driver
    try:
        Driver.get()
    except ToolchainError:
        pass
    else:
        pytest.skip("this machine has a CUDA driver and a GPU")
    rules = tmp_path / "one.rules"
    rules.write_text("rule r: x + 0 => x\n")
    assert main(["fuzz", "--target", "cuda", "--mode", "kernels", "--time", "2s", "--rules", str(rules),
                 "--corpus", str(tmp_path / "corpus")]) == 2
    one_line_error(capsys, "--target cuda cannot run here: no CUDA driver")
    assert not (tmp_path / "corpus").exists()


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert rewriter.__version__ == pyproject["project"]["version"]
    assert capsys.readouterr().out.strip() == f"rewriter {rewriter.__version__}"


def test_verify_of_a_file_or_folder_without_rules_is_bad_input(tmp_path, capsys):
    """An empty folder was exit 2 but an empty file exit 0 ("0 rules: all proven"): both
    are bad input now, so a CI step with a wrong path or an emptied file fails."""
    empty, comments, folder = tmp_path / "e.rules", tmp_path / "c.rules", tmp_path / "d"
    empty.write_text("")
    comments.write_text("# nothing but a comment\n")
    folder.mkdir()
    for path, message in ((empty, "no rules to verify"), (comments, "no rules to verify"),
                          (folder, "no .rules files")):
        assert main(["verify", "--no-cache", str(path)]) == 2
        one_line_error(capsys, str(path), message)


def test_run_output_without_a_suffix_is_written_and_reported_as_npz(kernel, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(kernel), "-o", "noext"]) == 0
    assert capsys.readouterr().out.strip().endswith("wrote noext.npz")
    assert not (tmp_path / "noext").exists()
    with np.load(tmp_path / "noext.npz") as got:
        assert got.files == ["out"]


# -- output safety -----------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["cpu", "cuda", "webgpu", "hexagon"])
@pytest.mark.parametrize("name", ["link.ll", "link.txt", "link"])
def test_o_naming_a_hard_link_to_the_kernel_is_refused(target, name, kernel, tmp_path, capsys):
    link = tmp_path / name
    os.link(kernel, link)
    assert main(["optimize", str(kernel), "--target", target, "-o", str(link)]) == 2
    one_line_error(capsys, f"-o {link} would overwrite the input file {kernel}")
    assert kernel.read_bytes() == RELU.read_bytes()


def test_symlink_to_the_kernel_and_schedule_svg_and_bench_out_are_refused(kernel, rules, tmp_path, capsys):
    sym = tmp_path / "sym.txt"
    sym.symlink_to(kernel)
    assert main(["optimize", str(kernel), "-o", str(sym)]) == 2
    one_line_error(capsys, "would overwrite the input file")
    svg = tmp_path / "s.svg"
    os.link(kernel, svg)
    assert main(["optimize", str(kernel), "--target", "hexagon", "--schedule-svg", str(svg)]) == 2
    one_line_error(capsys, f"--schedule-svg {svg} would overwrite the input file")
    table = tmp_path / "t.md"
    os.link(kernel, table)
    assert main(["bench", str(kernel), "--repeat", "1", "--rules", str(rules), "--out", str(table)]) == 2
    one_line_error(capsys, f"--out {table} would overwrite the input file")
    assert kernel.read_bytes() == RELU.read_bytes()


def test_run_o_that_numpy_would_suffix_onto_the_inputs_is_refused(kernel, tmp_path, capsys):
    """`run --inputs in.npz -o in`: numpy appended .npz and the outputs replaced the inputs."""
    ins = tmp_path / "in.npz"
    np.savez(ins, x=GOOD)
    before = ins.read_bytes()
    assert main(["run", str(kernel), "--inputs", str(ins), "-o", str(tmp_path / "in")]) == 2
    one_line_error(capsys, f"(written as {ins}) would overwrite the input file {ins}")
    assert ins.read_bytes() == before and not (tmp_path / "in").exists()


def test_rule_files_and_order_manifests_read_are_protected(kernel, rules, tmp_path, capsys):
    order = tmp_path / "order-link.txt"
    os.link(rules / "ORDER", order)
    assert main(["optimize", str(kernel), "--rules", str(rules), "-o", str(order)]) == 2
    one_line_error(capsys, f"would overwrite the input file {rules / 'ORDER'}")
    npz = tmp_path / "rules-link.npz"
    os.link(rules / "r.rules", npz)
    assert main(["run", str(kernel), "--rules", str(rules), "-o", str(npz)]) == 2
    one_line_error(capsys, f"would overwrite the input file {rules / 'r.rules'}")
    assert (rules / "ORDER").read_text() == "r.rules\n" and (rules / "r.rules").read_text() == "rule r: x + 0 => x\n"


@pytest.mark.parametrize("name", ["README.md", "notes.MD", "ORDER", "setup.py", "x.toml", "g.lark"])
def test_existing_source_files_are_never_replaced(name, kernel, tmp_path, capsys):
    doc = tmp_path / name
    doc.write_text("written by a person\n")
    assert main(["optimize", str(kernel), "-o", str(doc)]) == 2
    one_line_error(capsys, "would overwrite an existing source file")
    assert doc.read_text() == "written by a person\n"


def test_bench_out_replaces_its_own_report_but_no_other_markdown(kernel, rules, tmp_path, capsys):
    table = tmp_path / "bench.md"
    argv = ["bench", str(kernel), "--repeat", "1", "--rules", str(rules), "--out", str(table)]
    assert main(argv) == 0
    first = table.read_text()
    assert first.startswith("# rewriter bench --target cpu")
    assert main(argv) == 0  # regenerating a results file works
    assert table.read_text().startswith("# rewriter bench --target cpu")
    capsys.readouterr()
    doc = tmp_path / "doc.md"
    doc.write_text("# My notes\n")
    assert main([*argv[:-1], str(doc)]) == 2
    one_line_error(capsys, "would overwrite an existing source file")
    assert doc.read_text() == "# My notes\n"


def test_two_outputs_of_one_command_may_not_be_one_file(kernel, tmp_path, capsys):
    same = tmp_path / "same.out"
    assert main(["optimize", str(kernel), "--target", "hexagon", "-o", str(same), "--schedule-svg", str(same)]) == 2
    one_line_error(capsys, "is also the file of -o")


def test_outputs_are_written_atomically_keeping_the_mode(kernel, tmp_path, capsys):
    """The output replaces its path in one step (a temporary file in the same folder, then
    os.replace): no temporary is left, a hard link elsewhere keeps the old text, and the
    replaced file's mode stays; a new file gets 0666 less the umask, as open() gives."""
    out = tmp_path / "sub" / "k.ll"
    out.parent.mkdir()
    out.write_text("old\n")
    out.chmod(0o640)
    keep = tmp_path / "keep.ll"
    os.link(out, keep)
    assert main(["optimize", str(kernel), "--emit", "llvm", "-o", str(out)]) == 0
    assert "define void" in out.read_text() and keep.read_text() == "old\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["k.ll"]
    assert out.stat().st_mode & 0o777 == 0o640
    new = tmp_path / "new" / "k.ll"  # its folder is made
    assert main(["optimize", str(kernel), "--emit", "llvm", "-o", str(new)]) == 0
    plain = tmp_path / "plain"
    plain.write_text("")
    assert new.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777


def test_an_unwritable_output_is_one_line_and_a_failed_write_keeps_the_old_file(kernel, tmp_path, capsys):
    blocker = tmp_path / "afile"
    blocker.write_text("")
    assert main(["optimize", str(kernel), "-o", str(blocker / "x.ll")]) == 2
    one_line_error(capsys, f"{blocker / 'x.ll'}: cannot write")
    out = tmp_path / "o.npz"
    out.write_bytes(b"old")
    with pytest.raises(ValueError):  # an object array cannot be written without pickles
        write_npz(out, {"a": np.zeros(2), "b": np.array([None], dtype=object)})
    assert out.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["afile", "k.ir", "o.npz"]


def test_a_device_is_written_to_never_replaced(kernel, capsys):
    """`-o /dev/null` discards the output: a device is opened and written, not replaced by a
    renamed file (nor given an `.npz` suffix, which made a new file in /dev)."""
    null = Path(os.devnull)
    assert main(["optimize", str(kernel), "-o", str(null)]) == 0
    assert main(["run", str(kernel), "-o", str(null)]) == 0
    assert capsys.readouterr().out.strip().endswith(f"wrote {null}")
    assert null.is_char_device() and not Path(f"{null}.npz").exists()


def test_out_of_memory_is_one_line_not_a_traceback(monkeypatch, capsys):
    """Sizes within the limits can still exceed the machine's memory: exit 2, one line."""
    import rewriter.cli as cli

    def exhausted(*args, **kw):
        raise MemoryError

    monkeypatch.setattr(cli, "run_reference", exhausted)
    assert main(["run", "examples/add_sat_u8.ir", "-o", "/dev/null"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rewriter: error: out of memory") and err.count("\n") == 1 and "Traceback" not in err


def test_run_writes_its_npz_to_a_device(capsys):
    """`-o /dev/null` for `run`: the archive is made in memory (a zip seeks back to write its
    directory, which a device cannot do), then written; before, a struct.error traceback."""
    assert main(["run", "examples/add_sat_u8.ir", "-o", "/dev/null"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_limit_is_raised_for_one_command(tmp_path, capsys):
    """Every limit error names its flag, and `--limit NAME=VALUE` raises it for one command."""
    k = tmp_path / "k.ir"
    k.write_text("kernel k(a: u8[100000]) -> (o: u8[4]) {\n  i = range(4)\n  o[i] = a[i]\n}\n")
    assert main(["run", str(k), "--limit", "max_buffer_bytes=1000", "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"{k}:1:10: buffer 'a' of 100000 bytes exceeds the limit of 1000 bytes" in err
    assert "raise it with --limit max_buffer_bytes=N" in err
    assert main(["run", str(k), "--limit", "max_buffer_bytes=1e6", "-o", str(tmp_path / "o")]) == 0
    with pytest.raises(SystemExit):  # argparse: an unknown limit name, exit 2
        main(["run", str(k), "--limit", "max_widgets=3"])
    assert "NAME one of max_depth" in capsys.readouterr().err
