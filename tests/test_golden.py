"""Golden tests of the `rewriter verify` command line, run in-process.

  tests/corpus/fail/NAME.rules     one error each: exit 2, nothing on stdout, stderr exactly
                                   NAME.expected (`file:line:col: message`, the source line,
                                   a caret under the column), never a traceback;
  tests/corpus/pass/NAME.rules     correct rules: exit 0, stdout NAME.expected with timings
                                   normalised (`12 ms`, `0.34 s` -> `<T> ms`, `<T> s`);
  tests/corpus/refuted/NAME.rules  wrong rules with a unique counterexample: exit 1, the
                                   counterexample report as NAME.expected.

The CLI gets the path relative to the repository root (`tests/corpus/fail/NAME.rules`), as a
user would type it, so the expected files hold relative paths.

To regenerate the expected files after an intended change of output:
    REWRITER_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
then read every changed .expected file before keeping it.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from rewriter.cli import main

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
UPDATE = os.environ.get("REWRITER_UPDATE_GOLDEN") == "1"

_TIME = re.compile(r"\b\d+(?:\.\d+)? (ms|s)\b")


def normalize_times(text: str) -> str:
    return _TIME.sub(r"<T> \1", text)


def _cases(kind: str):
    return [pytest.param(p, id=p.stem) for p in sorted((CORPUS / kind).glob("*.rules"))]


def _verify(path: Path, capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.chdir(REPO)
    rel = path.relative_to(REPO).as_posix()
    code = main(["verify", rel, "--no-cache", "-j", "1"])
    out, err = capsys.readouterr()
    return code, out, err


def _golden(path: Path, actual: str) -> str:
    expected = path.with_suffix(".expected")
    if UPDATE:
        expected.write_text(actual)
    assert expected.exists(), f"{expected} is missing: run with REWRITER_UPDATE_GOLDEN=1"
    return expected.read_text()


def test_corpus_is_populated():
    assert len(_cases("fail")) >= 15
    assert _cases("pass") and _cases("refuted")
    for kind in ("fail", "pass", "refuted"):
        for p in (CORPUS / kind).glob("*.expected"):
            assert p.with_suffix(".rules").exists(), f"stale golden file {p}"


@pytest.mark.parametrize("path", _cases("fail"))
def test_error_message(path: Path, capsys, monkeypatch):
    code, out, err = _verify(path, capsys, monkeypatch)
    assert "Traceback" not in err + out
    assert code == 2, err
    assert out == ""
    assert err == _golden(path, err)
    check_error_shape(path, err)


def check_error_shape(path: Path, err: str):
    """`rel/path.rules:LINE:COL: message`, then the source line, then a caret under COL."""
    rel = path.relative_to(REPO).as_posix()
    lines = err.rstrip("\n").split("\n")
    m = re.fullmatch(re.escape(rel) + r":(\d+):(\d+): (\S.*)", lines[0])
    assert m, f"first line is not file:line:col: message: {lines[0]!r}"
    line, col = int(m.group(1)), int(m.group(2))
    assert len(lines) == 3, lines
    src = path.read_text().split("\n")[line - 1].replace("\t", " ")
    assert lines[1] == "    " + src
    assert lines[2] == "    " + " " * (col - 1) + "^"
    assert 1 <= col <= len(src) + 1


@pytest.mark.parametrize("path", _cases("pass"))
def test_correct_rules_are_proven(path: Path, capsys, monkeypatch):
    code, out, err = _verify(path, capsys, monkeypatch)
    assert "Traceback" not in err + out
    assert err == ""
    assert code == 0, out
    assert normalize_times(out) == _golden(path, normalize_times(out))


@pytest.mark.parametrize("path", _cases("refuted"))
def test_wrong_rules_get_a_counterexample(path: Path, capsys, monkeypatch):
    code, out, err = _verify(path, capsys, monkeypatch)
    assert "Traceback" not in err + out
    assert err == ""
    assert code == 1, out
    assert "COUNTEREXAMPLE" in out
    assert normalize_times(out) == _golden(path, normalize_times(out))


def test_time_normalisation():
    assert normalize_times("(smt-bv x8; 31 ms)\n; 0.21 s") == "(smt-bv x8; <T> ms)\n; <T> s"
    assert normalize_times("9 instances: 9 proven") == "9 instances: 9 proven"


# ------------------------------------------------------------------------------------------
# Inputs that used to crash instead of giving a one-line error (regression tests)
# ------------------------------------------------------------------------------------------
def _verify_text(text: str, tmp_path: Path, capsys, monkeypatch) -> tuple[int, str]:
    p = tmp_path / "t.rules"
    p.write_text(text)
    monkeypatch.chdir(tmp_path)
    code = main(["verify", "t.rules", "--no-cache", "-j", "1"])
    return code, capsys.readouterr().err


def test_pointer_annotation_is_a_clean_error(tmp_path, capsys, monkeypatch):
    code, err = _verify_text("rule r: x:i32* + 0 => x\n", tmp_path, capsys, monkeypatch)
    assert code == 2 and err.startswith("t.rules:1:")


def test_nullary_op_at_float_type_is_a_clean_error(tmp_path, capsys, monkeypatch):
    code, err = _verify_text("rule r [f32]: x + int_max<f32>() => x + int_max<f32>()\n", tmp_path, capsys,
                             monkeypatch)
    assert code == 2 and err.startswith("t.rules:1:")


def test_vector_rule_does_not_crash(tmp_path, capsys, monkeypatch):
    code, err = _verify_text("rule r: x:i8x4 + 0 => x\n", tmp_path, capsys, monkeypatch)
    assert "Traceback" not in err and code in (0, 2)


def test_type_list_error_points_at_the_failing_type(tmp_path, capsys, monkeypatch):
    code, err = _verify_text("rule r [i32, f32]: x << 1 => x * 2\n", tmp_path, capsys, monkeypatch)
    assert code == 2
    assert err.startswith("t.rules:1:14: rule 'r' does not type-check at f32"), err


@pytest.mark.parametrize("path", _cases("pass") + _cases("refuted"))
def test_fmt_output_parses_to_the_same_rules(path: Path, capsys, monkeypatch):
    from rewriter.dsl.parser import parse_rules
    from tests.test_dsl import dkey

    monkeypatch.chdir(REPO)
    rel = path.relative_to(REPO).as_posix()
    assert main(["fmt", rel]) == 0
    out = capsys.readouterr().out
    assert [dkey(d) for d in parse_rules(out, rel)] == [dkey(d) for d in parse_rules(path.read_text(), rel)]
