"""Rule scope and priority as data (rewriter/dsl/rule.py, rules/ORDER).

  * a file's `scope NAME` decides which pipelines apply its rules: portable rules (the
    default) everywhere, a target's rules only in that target's lowering;
  * a portable rule using a target's instruction (`hvx.*`) is an error at the op (the
    file:line:col goldens are tests/corpus/fail/target_op_in_*.rules);
  * priority is the manifest's file order, then line order: never the files' names.
"""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from rewriter.cli import main
from rewriter.dsl.rule import PORTABLE, RuleLibrary, load_library, read_manifest
from rewriter.errors import RewriterError, SourceError
from rewriter.rewrite.engine import Rewriter
from rewriter.simplify import parse_var_decl, simplify_expr, typed_expr

REPO = Path(__file__).resolve().parent.parent
RULES = REPO / "rules"


@pytest.fixture(scope="module")
def library():
    return load_library([RULES])


# ---- scope ---------------------------------------------------------------------------------
def test_simplify_applies_portable_rules_only(capsys, monkeypatch):
    """`x & 255` at u32 was `cast<u32>(cast<u8>(x))`: a WebGPU emitter certificate
    (rules/webgpu.rules) set the CPU's canonical form."""
    monkeypatch.chdir(REPO)
    assert main(["simplify", "x & 255", "--var", "x:u32"]) == 0
    assert capsys.readouterr().out.startswith("x & 255    # u32")
    assert main(["simplify", "x & 255", "--var", "x:u32", "--target", "webgpu", "--stats"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cast<u32>(cast<u8>(x))    # u32")
    assert "wgsl-zext-u8  (rules/webgpu.rules:" in out and ", scope webgpu)" in out
    assert main(["simplify", "x & 255", "--var", "x:u32", "--target", "cuda"]) == 0
    assert capsys.readouterr().out.startswith("x & 255    # u32")
    with pytest.raises(SystemExit) as exit_:  # argparse: --target's choices are the registry's
        main(["simplify", "x", "--var", "x:u32", "--target", "gpu"])
    assert exit_.value.code == 2 and "invalid choice: 'gpu'" in capsys.readouterr().err


def test_files_declare_their_scope(library):
    scopes = {}
    for r in library.all_rules():
        scopes.setdefault(Path(r.loc.file).name, set()).add(r.scope)
    assert scopes.pop("hexagon.rules") == {"hexagon"}
    assert scopes.pop("hexagon-expand.rules") == {"hexagon-expand"}
    assert scopes.pop("hexagon-regroup.rules") == {"hexagon-regroup"}
    assert scopes.pop("cuda.rules") == {"cuda"}
    assert scopes.pop("webgpu.rules") == {"webgpu"}
    assert scopes.pop("hexagon-choice-vtmpy.rules") == {"hexagon-choice-vtmpy"}
    assert scopes.pop("hexagon-choice-widened.rules") == {"hexagon-choice-widened"}
    assert scopes.pop("hexagon-choice-narrowed.rules") == {"hexagon-choice-narrowed"}
    assert scopes.pop("hexagon-choice-sliding.rules") == {"hexagon-choice-sliding"}
    assert scopes.pop("hexagon-choice-vtmpyb.rules") == {"hexagon-choice-vtmpyb"}
    assert all(s == {PORTABLE} for s in scopes.values()), scopes
    assert library.targets == ["cuda", "webgpu", "hexagon", "hexagon-expand", "hexagon-regroup",
                               "hexagon-choice-vtmpy", "hexagon-choice-widened", "hexagon-choice-narrowed",
                               "hexagon-choice-sliding", "hexagon-choice-vtmpyb"]
    # Choices are their own views too, named by the file's scope; no other target has one.
    assert list(library.choices("hexagon")) == ["vtmpy", "widened", "narrowed", "sliding", "vtmpyb"] and library.choices("cuda") == {}
    assert [r.name for r in library.choices("hexagon")["vtmpy"]] == ["hvx-vtmpy-sum3-h", "hvx-vtmpy-sum3-uh"]
    assert not {r.name for r in library.target_rules("hexagon")} & {
        r.name for r in library.target_rules("hexagon-choice-widened")}
    # Expansions are their own view: the selector's normalizing rules never include them.
    assert "hvx-mul-w" not in {r.name for r in library.target_rules("hexagon")}
    assert not {r.name for r in library.target_rules("hexagon")} & {
        r.name for r in library.target_rules("hexagon-regroup")}  # a lone product stays a product
    assert [r.name for r in library.target_rules("hexagon-expand")][:30] == [
        "hvx-mul-w-bytes-ub", "hvx-mul-w-bytes-b", "hvx-mul-w-bytes-uu", "hvx-mul-uw-bytes-uu",
        "hvx-mul-w", "hvx-mul-uw", "hvx-div-u16-const", "hvx-div-u32-const", "hvx-div-even-const",
        "hvx-neg-sub", "hvx-le-not", "hvx-ne-not", "hvx-where-not",
        *(f"hvx-where-{op}-{w}" for pair in (("bytes-h", "bytes-uh"), ("narrow-w", "narrow-uw"),
                                             ("h-bytes", "uh-bytes"), ("w-narrow", "uw-narrow"))
          for op in ("lt", "eq") for w in pair),
        "hvx-vtmpy3-adds"]  # (then the op matrix's: tests/test_hexagon_op_matrix.py)
    assert library.by_name("wgsl-zext-u8").target == "webgpu"
    assert library.by_name("mul-mod-factor").scope == PORTABLE  # moved to divmod.rules


def test_views_partition_the_library(library):
    """What `rewriter verify` / `lint` cover (every rule) is every scope's rules, once each."""
    everything = library.all_rules()
    parts = list(library.portable()) + [r for t in library.targets for r in library.target_rules(t)]
    assert sorted(r.name for r in parts) == sorted(r.name for r in everything)
    assert len(list(library.all_instances())) == sum(len(r.instances) for r in everything)
    assert [r.name for r in library] == [r.name for r in library.portable()]  # the default
    cuda = library.for_target("cuda")
    assert [r.name for r in cuda] == [r.name for r in everything if r.scope in (PORTABLE, "cuda")]
    assert [r.name for r in library.for_target("cpu")] == [r.name for r in library.portable()]
    assert all(r.scope == "hexagon" for r in library.target_rules("hexagon"))
    # a view of a view still sees the whole library
    assert [r.name for r in cuda.target_rules("webgpu")] == [r.name for r in library.target_rules("webgpu")]
    # a target without rules (cpu) applies the portable ones
    assert [r.name for r in library.for_target("cpu")] == [r.name for r in library.portable()]


def _normal(lib, text: str, *decls: str) -> str:
    from rewriter.ir.printer import format_uop

    return format_uop(Rewriter(lib).normalize(typed_expr(text, [parse_var_decl(d) for d in decls])))


def test_target_rules_apply_only_in_their_target(library):
    assert _normal(library.portable(), "x & 255", "x:u32") == "x & 255"
    assert _normal(library.for_target("webgpu"), "x & 255", "x:u32") == "cast<u32>(cast<u8>(x))"
    assert _normal(library.for_target("cuda"), "x & 255", "x:u32") == "x & 255"
    assert _normal(library.target_rules("webgpu"), "x & 255", "x:u32") == "cast<u32>(cast<u8>(x))"
    # CUDA's strength reduction: a shift on CUDA, the division everywhere else
    assert _normal(library.portable(), "x / 8", "x:i32=0..1000") == "x / 8"
    assert _normal(library.for_target("cuda"), "x / 8", "x:i32=0..1000") == "x >> 3"
    assert _normal(library.for_target("webgpu"), "x / 8", "x:i32=0..1000") == "x / 8"
    # mul-mod-factor is portable
    assert _normal(library.portable(), "(x * 4) % 32", "x:idx=0..1000") == "x % 8 * 4"


def test_saturation_uses_the_same_scope(library):
    decls = [parse_var_decl("x:u32")]
    assert simplify_expr("x & 255", decls, [RULES], engine="saturate").text.startswith("x & 255 ")
    res = simplify_expr("x & 255", decls, [RULES], engine="saturate", target="webgpu", explain=True)
    assert res.stats["wgsl-zext-u8"] == 1  # in the e-graph (extraction keeps the cheaper `&`)
    assert any("wgsl-zext-u8" in ln and "scope webgpu" in ln for ln in res.explanation)


def test_cpu_pipeline_never_sees_target_rules(library):
    from rewriter.kernel.parser import parse_kernels
    from rewriter.pipeline import optimize

    (k,) = parse_kernels("kernel k(a: u32[64]) -> (out: u32[64]) {\n"
                         "  i = range(64)\n  out[i] = a[i] & 255\n}\n", "k.ir")
    opt = optimize(k, library, "cpu")
    assert not any(library.by_name(n).target for n in opt.stats if n in opt.rule_locs)
    assert "cast" not in str(opt.simplified.stores[0])


def test_portable_file_with_a_target_op_is_an_error(tmp_path, capsys):
    f = tmp_path / "sel.rules"
    f.write_text("# no scope: portable\nrule sel: cast<u8>(min(max(x:i16, 0), 255)) => hvx.vsat_ubh(x)\n")
    with pytest.raises(SourceError) as e:
        load_library([f])
    assert str(e.value.loc) == f"{f}:2:48" and "hexagon instruction" in e.value.message
    assert main(["verify", str(f), "--no-cache"]) == 2
    assert capsys.readouterr().err.startswith(f"{f}:2:48: 'hvx.vsat_ubh' is a hexagon instruction")
    assert main(["lint", str(f)]) == 2
    f.write_text("scope hexagon\n" + f.read_text())
    assert [r.scope for r in load_library([f]).all_rules()] == ["hexagon"]


def test_fmt_keeps_the_scope(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    for name in ("hexagon", "cuda", "webgpu"):
        assert main(["fmt", f"rules/{name}.rules"]) == 0
        assert f"\n\nscope {name}\n\n" in capsys.readouterr().out


# ---- priority ------------------------------------------------------------------------------
def _folder(tmp_path: Path, files: dict[str, str], order: str | None) -> Path:
    d = tmp_path / "lib"
    d.mkdir()
    for name, text in files.items():
        (d / name).write_text(text)
    if order is not None:
        (d / "ORDER").write_text(order)
    return d


def _winner(lib: RuleLibrary) -> str:
    rw = Rewriter(lib)
    rw.normalize(typed_expr("x * 1", [parse_var_decl("x:i32")]))
    (name,) = rw.stats
    return name


TWO = {"zz.rules": "rule zz-mul-one: x * 1 => x\n", "aa.rules": "rule aa-mul-one: x * 1 => x\n"}


def test_manifest_sets_priority_not_file_names(tmp_path):
    d = _folder(tmp_path, TWO, "# zz first\nzz.rules\naa.rules\n")
    assert _winner(load_library([d])) == "zz-mul-one"
    (d / "ORDER").write_text("aa.rules\nzz.rules\n")
    assert _winner(load_library([d])) == "aa-mul-one"
    # files given one by one keep the command line's order, whatever the manifest says
    assert _winner(load_library([d / "zz.rules", d / "aa.rules"])) == "zz-mul-one"


def test_folder_without_manifest_is_an_error(tmp_path):
    d = _folder(tmp_path, TWO, None)
    with pytest.raises(RewriterError) as e:
        load_library([d])
    assert f"no {d / 'ORDER'}" in str(e.value) and "\n    aa.rules\n    zz.rules" in str(e.value)
    (d / "aa.rules").unlink()  # a single file needs no manifest
    assert _winner(load_library([d])) == "zz-mul-one"


@pytest.mark.parametrize("order, where, message", [
    ("zz.rules\n", "1:1", "aa.rules in"),                         # a file left out: at the end
    ("zz.rules\nzz.rules\naa.rules\n", "2:1", "listed twice"),
    ("zz.rules\n  bb.rules  # new\naa.rules\n", "2:3", "'bb.rules': no such file"),
    ("zz.rules\nnotes.txt\naa.rules\n", "2:1", "not a .rules file"),
])
def test_bad_manifest_is_an_error_at_its_line(tmp_path, capsys, order, where, message):
    d = _folder(tmp_path, TWO, order)
    with pytest.raises(SourceError) as e:
        load_library([d])
    assert str(e.value.loc) == f"{d / 'ORDER'}:{where}" and message in e.value.message
    assert main(["lint", str(d)]) == 2
    assert capsys.readouterr().err.startswith(f"{d / 'ORDER'}:{where}: ")


def test_renaming_a_rule_file_is_an_error_until_the_manifest_says_so(tmp_path, library):
    """The project's library copied: renaming a file does not silently re-rank its rules."""
    lib = tmp_path / "rules"
    shutil.copytree(RULES, lib)
    names = [r.name for r in library.all_rules()]
    assert [r.name for r in load_library([lib]).all_rules()] == names
    (lib / "divmod.rules").rename(lib / "a_divmod.rules")  # would sort first by name
    with pytest.raises(SourceError) as e:
        load_library([lib])
    line = next(n for n, ln in enumerate((lib / "ORDER").read_text().split("\n"), 1) if ln == "divmod.rules")
    assert str(e.value.loc) == f"{lib / 'ORDER'}:{line}:1" and "'divmod.rules': no such file" in e.value.message
    (lib / "ORDER").write_text((lib / "ORDER").read_text().replace("\ndivmod.rules\n", "\na_divmod.rules\n"))
    assert [r.name for r in load_library([lib]).all_rules()] == names  # same order as before
    # moving it to the top of the manifest is what re-ranks it
    text = (lib / "ORDER").read_text().replace("\na_divmod.rules\n", "\n")
    (lib / "ORDER").write_text(text.replace("\nalgebra.rules\n", "\na_divmod.rules\nalgebra.rules\n"))
    moved = [r.name for r in load_library([lib]).all_rules()]
    assert sorted(moved) == sorted(names) and moved[0] == "div-one" != names[0]


def test_project_manifests_list_every_file():
    assert [p.name for p in read_manifest(RULES)][-10:] == ["cuda.rules", "webgpu.rules", "hexagon.rules",
                                                            "hexagon-expand.rules", "hexagon-regroup.rules",
                                                            "hexagon-choice-vtmpy.rules", "hexagon-choice-widened.rules",
                                                            "hexagon-choice-narrowed.rules", "hexagon-choice-sliding.rules",
                                                            "hexagon-choice-vtmpyb.rules"]
    assert len(read_manifest(REPO / "verify" / "known-bad")) == len(list((REPO / "verify/known-bad").glob("*.rules")))


# ---- shadowing per scope -------------------------------------------------------------------
def test_lint_compares_rules_only_within_a_scope(tmp_path):
    from rewriter.dsl.overlap import find_shadowed

    d = _folder(tmp_path, {"c.rules": "scope cuda\nrule c-mul-one: x * 1 => x\n",
                           "w.rules": "scope webgpu\nrule w-mul-one: x * 1 => x\n"}, "c.rules\nw.rules\n")
    assert find_shadowed(load_library([d])) == []  # never applied together
    (d / "w.rules").write_text("scope cuda\nrule w-mul-one: x * 1 => x\n")
    (found,) = find_shadowed(load_library([d]))
    assert (found.shadowed.name, found.winner.name) == ("w-mul-one", "c-mul-one")


# ---- layers --------------------------------------------------------------------------------
def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


@pytest.mark.parametrize("package, above", [
    ("dsl", ("verifier", "rewrite", "solver", "kernel", "lower", "backends", "runtime", "pipeline", "simplify")),
    ("rewrite", ("solver", "kernel", "lower", "backends", "runtime", "pipeline", "simplify", "cli")),
])
def test_lower_layers_do_not_import_higher_ones(package, above):
    """Layers, bottom first: errors, ir, dsl, verifier, rewrite, solver, ... (`rewrite` used
    to import `solver` for `simplify_expr`, while `solver.egraph` imports `rewrite.engine`)."""
    for path in sorted((REPO / "rewriter" / package).glob("*.py")):
        bad = [m for m in _imports(path) if any(m == f"rewriter.{a}" or m.startswith(f"rewriter.{a}.")
                                                  for a in above)]
        assert not bad, f"{path.relative_to(REPO)} imports {bad}"
