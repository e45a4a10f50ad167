"""`rewriter viz`: the data a page shows (steps, e-graph, schedule, launches) against the
compiler's own results, the page's sections, the local server, the CLI, and the page
rendered by a real browser (headless Chromium; its screenshot kept in tests/artifacts/)."""
from __future__ import annotations

import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rewriter.cli import main
from rewriter.dsl.rule import load_library
from rewriter.ir.dtype import f32
from rewriter.kernel.parser import load_kernel
from rewriter.lower.gpu_program import SharedTile
from rewriter.pipeline import optimize
from rewriter.rules_path import default_rule_paths
from rewriter.solver.modulo.schedule import check_schedule, max_live
from rewriter.target import Options
from rewriter.viz import collect_file, make_server, render_html
from rewriter.viz.gpu import MAX_WORDS, TAIL, tile_view
from rewriter.viz.page import _bank_map
from rewriter.viz.schedule import schedule_view

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

#: Three rules fire before the HVX selector sees the store; the first beats three later ones.
DEMO = """# viz demo
kernel viz_demo(a: u8[8192], b: u8[8192]) -> (out: u8[8192]) {
  i = range(8192)
  out[i] = sat_add((a[i] & 15) & 15, (b[i] + 0) * 1)
}
"""


@pytest.fixture(scope="module")
def library():
    return load_library(default_rule_paths())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("viz") / "viz_demo.ir"
    path.write_text(DEMO)
    return path


@pytest.fixture(scope="module")
def hexagon(demo, library):
    return collect_file(demo, library, "hexagon", Options(time_limit=0.5))


@pytest.fixture(scope="module")
def cuda(library):
    return collect_file(ROOT / "examples" / "conv3x3_u8.ir", library, "cuda")


def test_steps_name_the_rule_its_place_and_the_rules_it_beat(hexagon):
    rules = [s.rule for s in hexagon.steps]
    assert rules == ["and-and-dup", "add-zero", "mul-one"]
    first = hexagon.steps[0]
    assert re.fullmatch(r"rules/bitwise\.rules:\d+:\d+", first.loc)
    assert (first.before, first.after) == ("a[i] & 15 & 15", "a[i] & 15")
    assert "and-and-const" in dict(first.beaten) and all(loc.startswith("rules/") for _, loc in first.beaten)
    # The traced run ends where the pipeline's simplification did (no note says otherwise).
    assert not hexagon.steps_note
    assert "sat_add(a[i] & 15, b[i])" in hexagon.simplified


def test_saturation_shows_each_stores_egraph(demo, library):
    rep = collect_file(demo, library, "cpu", Options(engine="saturate"))
    assert not rep.steps and "e-graph" in rep.steps_note
    (g,) = rep.egraphs
    assert g.shown[0].id == g.root and g.term == g.shown[0].best
    assert g.term == "store(i, sat_add(a[i] & 15, b[i]))"
    assert g.nodes >= len(g.shown) and len(g.history) == g.iterations
    assert {"and-and-dup", "add-zero", "mul-one"} <= {r for r, _, m, _ in g.rules if m}
    assert 'id="egraph"' in render_html(rep)


def test_the_schedule_grid_is_the_solvers_schedule(hexagon, demo, library):
    s = hexagon.schedule
    assert s is not None and s.ii >= s.ii_bound >= 1 and len(s.slots) == s.ii
    placed = [c.op for row in s.slots for c in row]
    assert len(placed) == len(set(placed)) and all(len(row) <= s.issue_width for row in s.slots)
    # add_sat is load-bound: one vector load a packet sets the II bound, and "ld" is highlighted.
    assert s.binding.startswith("ld:") and s.critical == ("ld",) and s.saturation["ld"] == 1.0
    assert {c.unit for row in s.slots for c in row} >= {"ld", "st"}


def test_the_pressure_drawn_is_the_checkers(demo, library):
    """The same schedule viewed and checked: every op in the packet of its start, each unit
    grid column within the resource's capacity, and the checker's peak per register class."""
    report = optimize(load_kernel(demo), library, "hexagon", time_limit=0.5).code.modulo
    sched, view = report.schedule, schedule_view(report)
    assert check_schedule(sched) == []
    assert all(sched.start[c.op] % sched.ii == p for p, row in enumerate(view.slots) for c in row)
    cap = dict(view.resources)
    assert all(len(ops) <= cap[r] for (_, r), ops in view.units.items())
    peaks = {c: max(row) for c, row in view.pressure.items() if any(row)}
    assert peaks == {c: n for c, n in max_live(sched.problem, sched.ii, sched.start).items() if n}


def test_launches_and_the_bank_map_follow_the_gpu_program(cuda):
    (ln,) = cuda.launches
    assert (ln.grid, ln.block, ln.strategy) == (2, 256, "window-tiled")
    (t,) = ln.tiles
    assert (t.rows, t.cols, t.pad, t.elem_bytes, t.row_words) == (34, 130, 2, 1, 33)
    assert ln.shared_bytes == 34 * 132
    # 132-byte rows: word 0 of row r is word 33r, bank r mod 32: a column is conflict-free.
    assert [row[0] for row in t.banks[:33]] == [r % 32 for r in range(33)] and t.column_banks == 32
    assert cuda.code_kind == "ptx" and ".entry" in cuda.code


def test_a_wide_rows_bank_map_keeps_its_padding_in_view():
    """A matmul's f32 tile of 128 + 4 columns: 132 words a row, the middle left out, the
    last words (the 4 of padding among them) shown; row r starts 132r words in: bank 4r."""
    t = tile_view(SharedTile("a_tile", f32, 8, 128, 4))
    assert t.row_words == 132 and t.pad_from == 128
    assert t.words[:2] == (0, 1) and t.words[-TAIL:] == tuple(range(124, 132)) and len(t.words) == MAX_WORDS
    assert [row[0] for row in t.banks] == [4 * r % 32 for r in range(8)] and t.column_banks == 8
    assert [t.banks[0][k] for k, w in enumerate(t.words) if w >= t.pad_from] == [0, 1, 2, 3]
    assert "&hellip;" in _bank_map(t, "m")  # the left-out middle is marked


def test_the_page_has_every_section_and_escapes_text(hexagon, cuda):
    page = render_html(hexagon)
    for sid in ("source", "steps", "program", "code", "schedule", "slot-grid", "unit-grid", "pressure", "slot-0-0"):
        assert f'id="{sid}"' in page
    assert "-&gt; (out: u8[8192])" in page  # the source, escaped
    assert "UOp" not in page  # notes show terms as the language writes them, no node reprs
    assert not re.search(r'(src|href|url)\(?=?"?https?:', page)  # self-contained: nothing is fetched
    gpu = render_html(cuda)
    assert 'id="launches"' in gpu and 'id="bank-map-0-0"' in gpu and 'id="schedule"' not in gpu


def test_the_server_serves_the_page_on_localhost_only():
    server = make_server("<p>hi</p>", 0)
    host, port = server.server_address
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert r.status == 200 and r.read() == b"<p>hi</p>"
            assert r.headers["Content-Type"].startswith("text/html")
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/../etc/passwd", timeout=5)
        assert e.value.code == 404
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert not thread.is_alive()


def test_a_refused_kernel_still_gets_a_page(library, tmp_path, capsys):
    """Hexagon compiles no f64 multiply (neither our selector nor, where it falls back, LLVM's
    code without a soft-float routine): the page shows why, above the source and the steps."""
    kernel = tmp_path / "mul_f64.ir"
    kernel.write_text("kernel mul_f64(a: f64[64], b: f64[64]) -> (out: f64[64]) {\n  i = range(64)\n"
                      "  out[i] = a[i] * b[i]\n}\n")
    rep = collect_file(kernel, library, "hexagon", Options(scheduler="list"))
    assert "not supported" in rep.error
    assert rep.simplified.startswith("kernel mul_f64") and rep.schedule is None and not rep.code
    page = render_html(rep)
    assert page.index('id="error"') < page.index('id="source"') and 'id="code"' not in page
    out = tmp_path / "mul.html"
    assert main(["viz", str(kernel), "--target", "hexagon", "-o", str(out)]) == 0
    assert "refused the kernel" in capsys.readouterr().err and 'id="error"' in out.read_text()


def test_cli_serves_until_ctrl_c(demo, tmp_path):
    """`--serve` end to end: the URL it prints answers with the page it wrote; SIGINT ends
    it with exit 0 (closing the page is not an error). Every wait is bounded."""
    out = tmp_path / "served.html"
    cmd = [sys.executable, "-m", "rewriter.cli", "viz", str(demo), "-o", str(out), "--serve", "--no-browser"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = [proc.stdout.readline() for _ in range(2)]  # "wrote ...", then "serving URL ..."
        url = re.search(r"serving (http://127\.0\.0\.1:\d+/)", lines[1]).group(1)
        with urllib.request.urlopen(url, timeout=10) as r:
            assert r.read() == out.read_bytes()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_cli_writes_the_page_and_never_over_its_input(demo, tmp_path, capsys):
    out = tmp_path / "page.html"
    assert main(["viz", str(demo), "--target", "cpu", "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    assert 'id="steps"' in out.read_text() and "and-and-dup" in out.read_text()
    assert main(["viz", str(demo), "-o", str(demo)]) == 2
    assert "would overwrite the input file" in capsys.readouterr().err
    assert main(["viz", str(demo), "--time-limit", "1"]) == 2  # a hexagon option, refused for cpu


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium is not installed (scripts/setup.sh installs Debian's chromium)")
    return exe


def _browse(page: Path, shot: Path, profile: Path) -> str:
    """The DOM after Chromium ran the page's script, and its screenshot at `shot`."""
    base = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"]
    url = page.resolve().as_uri()
    subprocess.run(base + [f"--screenshot={shot}", "--window-size=1400,2000", url], check=True,
                   capture_output=True, timeout=120)
    dom = subprocess.run(base + ["--dump-dom", url], check=True, capture_output=True, text=True, timeout=120)
    return dom.stdout


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("which", ["hexagon", "cuda"])
def test_a_real_browser_renders_the_page(which, hexagon, cuda, tmp_path):
    rep = {"hexagon": hexagon, "cuda": cuda}[which]
    page = tmp_path / f"viz-{which}.html"
    page.write_text(render_html(rep))
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"viz-{which}.png"
    dom = _browse(page, shot, tmp_path / "profile")
    assert 'data-viz-ready="1"' in dom  # the script ran to its end
    for sid in ("source", "steps", "program", "code"):
        assert f'id="{sid}"' in dom
    if which == "hexagon":
        assert 'id="slot-grid"' in dom and 'id="unit-grid"' in dom
        assert dom.count('class="cell busy"') == sum(len(r) for r in rep.schedule.slots)
        assert "ucell busy critical" in dom
    else:
        assert 'id="launch-table"' in dom and 'id="bank-map-0-0"' in dom
    assert _png_size(shot) == (1400, 2000) and shot.stat().st_size > 20_000
    print(f"screenshot: {shot}")
