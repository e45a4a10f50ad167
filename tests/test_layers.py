"""The package's layer order, enforced: a module imports only from its own layer or below.

    errors, rules_path, flags,      typed errors; where the default rules and examples are;
    limits, progress, cluster       the numeric command-line values; how big an input may be;
                                    the terminal's progress line; fanning work out to Dask
    ir                              the IR: dtypes, UOps, the op table, evaluators, analyses
    dsl                             the rule language: grammar, parser, typing, rule library
    verifier                        Z3 refinement proofs of rules
    rewrite                         matching and the greedy rewriting engine
    solver                          e-graph, extraction, saturation, modulo scheduling, banks
    kernel                          the .ir kernel format, the reference interpreter
    lower                           target-neutral loop programs and the GPU lowering
    backends                        emitters: LLVM IR, PTX, WGSL, Hexagon HVX
    runtime                         build, load, run and time on each target
    target, targets                 the Target interface and the registry of targets
    pipeline, simplify              kernel -> simplified -> lowered -> loaded, for any target;
                                    `rewriter simplify` of one expression
    bench, bench_hexagon, bench_gpu `rewriter bench` and the device benchmark
    fuzz                            `rewriter fuzz`
    viz                             `rewriter viz`: one kernel's pipeline as a web page
    cli, outputs, __main__          the command line (entry points); the files it writes

An import placed inside a function hides such an edge from a reader, so those are refused
too, except where they keep an optional dependency optional (`OPTIONAL_IMPORTS`).
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "rewriter"

LAYERS = (("errors", "rules_path", "flags", "limits", "progress", "cluster"), ("ir",), ("dsl",), ("verifier",),
          ("rewrite",), ("solver",), ("kernel",), ("lower",), ("backends",), ("runtime",), ("target", "targets"), ("pipeline", "simplify"),
          ("bench", "bench_hexagon", "bench_gpu"), ("fuzz",), ("viz",), ("cli", "outputs", "__main__", "__init__"))
RANK = {name: i for i, names in enumerate(LAYERS) for name in names}

#: Function-local imports that stay, each for a dependency that may be absent where the code runs.
OPTIONAL_IMPORTS = {
    # --cluster only: distributed costs 0.3 s to import, which every other command would pay,
    # and a machine without it still runs everything else.
    ("rewriter.cluster", "distributed"),
    # wgpu needs a Vulkan loader to be useful; a missing package becomes a one-line
    # ToolchainError when WebGPU is used, not an import failure of every command.
    ("rewriter.runtime.webgpu", "wgpu"),
    # The device-side benchmark runs on a GPU machine that has numpy and torch but neither Z3,
    # OR-Tools nor llvmlite's NVPTX: it imports the compiler only where it compiles
    # (`--prepare`, or without `--code`), and torch only where the peers are timed.
    *(("rewriter.bench_gpu", m) for m in ("rewriter.pipeline", "rewriter.backends.ptx", "rewriter.lower.gpu",
                                          "rewriter.lower.gpu_ops", "rewriter.targets", "torch",
                                          "torch.fx.experimental.proxy_tensor")),
}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:  # the package itself
        return RANK["__init__"]
    if parts[-1] == "__main__":  # an entry point (python -m ...) sits on top
        return RANK["__main__"]
    return RANK[parts[1]]


def _imports(tree):
    """(module imported, line, inside a function?) for every `rewriter.*` or other import."""
    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                yield child.module, child.lineno, inside
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno, inside
            yield from visit(child, inside)
    return visit(tree, False)


def test_every_module_has_a_layer():
    unknown = sorted({name.split(".")[1] for name, _ in _modules() if "." in name} - set(RANK))
    assert not unknown, f"modules outside the layer order (add them to LAYERS): {unknown}"


def test_no_module_imports_from_a_higher_layer():
    upward = []
    for name, path in _modules():
        for imported, line, _ in _imports(ast.parse(path.read_text())):
            if imported.split(".")[0] == "rewriter" and imported != "rewriter":
                if _layer(imported) > _layer(name):
                    upward.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {name} imports {imported}")
    assert not upward, "imports against the layer order:\n" + "\n".join(upward)


def test_imports_are_at_module_level():
    hidden = []
    for name, path in _modules():
        for imported, line, inside in _imports(ast.parse(path.read_text())):
            if inside and (name, imported) not in OPTIONAL_IMPORTS:
                hidden.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {imported}")
    assert not hidden, "imports inside functions (move them to the top, or say why in OPTIONAL_IMPORTS):\n" \
        + "\n".join(hidden)


def test_the_layer_check_sees_an_upward_import(tmp_path):
    """The check itself: a lower module that reaches up is caught."""
    tree = ast.parse("def f():\n    from rewriter.pipeline import optimize\n")
    found = [(m, inside) for m, _, inside in _imports(tree)]
    assert found == [("rewriter.pipeline", True)]
    assert _layer("rewriter.pipeline") > _layer("rewriter.ir.ops")
