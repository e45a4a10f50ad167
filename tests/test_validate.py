"""The one op vocabulary (rewriter.ir.ops.VOCAB) and the per-stage IR validator.

Every op a UOp carries anywhere is declared (a walk over the sources); the validator accepts
every example kernel at every stage of the CPU and GPU lowerings, and rejects hand-built bad
nodes with a message naming the node and the rule; UOp.flags and the engine's
may_be_undefined are read off the declarations."""
from __future__ import annotations

import glob
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings

import rewriter.targets  # noqa: F401  (the registry: each target registers its ops, e.g. hvx.*)
from rewriter.backends.llvm_tools import host_target as cpu_target
from rewriter.dsl.rule import load_library
from rewriter.errors import IRValidationError, RewriterError
from rewriter.fuzz.kernels import kernel_cases
from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.dtype import bool_, f32, i8, i32, idx, u8
from rewriter.ir.interp import interpret
from rewriter.ir.ops import OPS, VOCAB, op_info, type_class
from rewriter.ir.ranges import ranges
from rewriter.ir.uop import UOp, const, var
from rewriter.ir.validate import validate_uops
from rewriter.kernel.parser import load_kernels, parse_kernels
from rewriter.lower.gpu import lower_gpu
from rewriter.lower.gpu_ops import H100, WEBGPU, GpuLoweringError
from rewriter.lower.lower import LoweringError, lower
from rewriter.lower.validate import validate
from rewriter.pipeline import simplify_kernel
from rewriter.rewrite.engine import Rewriter, may_be_undefined

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(glob.glob(str(ROOT / "examples" / "*.ir")) + glob.glob(str(ROOT / "examples" / "gpu" / "*.ir")))

x, y = var(i32, "x"), var(i32, "y")


# -- the vocabulary -----------------------------------------------------------------------
def test_every_op_is_declared_once_with_its_shape():
    for name, d in VOCAB.items():
        assert d.name == name and d.doc and d.stages, name
        assert (name in OPS) == (not d.structural), name
        if d.structural:
            assert not d.sem and not d.flags and d.undefined_if is None, name
    assert op_info("reduce").arg == "reduce" and op_info("vshuffle").arg == "lanes"
    assert op_info("load").arity is None and op_info("mma").arity == 3
    assert op_info("hvx.vrmpy_bb").stages == frozenset({"target:hexagon"})


_ONE = (re.compile(r'UOp\("([A-Za-z_][\w.]*)"'),
        re.compile(r'\b(?:u|n|m|v|a|b|node|s|st|r|chosen|body|value|wl)\.op\s*(?:==|!=)\s*"([\w.]+)"'))
_MANY = re.compile(r'\b(?:u|n|m|v|node|s)\.op\s+(?:not\s+)?in\s+\(([^)]*)\)')


def ops_named_in_sources() -> dict[str, str]:
    """op name -> first file:line naming it in `UOp("...")`, a node's `.op == "..."` or
    `.op in ("...", ...)` (the kernel parser's `p.op` are surface syntax, not UOps)."""
    used: dict[str, str] = {}
    for path in sorted((ROOT / "rewriter").rglob("*.py")):
        text = path.read_text()
        hits = [(m.start(), [m.group(1)]) for rx in _ONE for m in rx.finditer(text)]
        hits += [(m.start(), re.findall(r'"([\w.]+)"', m.group(1))) for m in _MANY.finditer(text)]
        for at, names in hits:
            for name in names:
                used.setdefault(name, f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, at) + 1}")
    return used


def test_every_op_named_in_the_sources_is_declared():
    used = ops_named_in_sources()
    assert {"load", "acc", "vshuffle", "mma", "special", "gather", "hvx.vtmpy3_h"} <= set(used)
    undeclared = {n: at for n, at in used.items() if n not in VOCAB}
    assert not undeclared, f"undeclared ops: {undeclared}"


def test_flags_are_read_off_the_declared_arg_kind():
    assert UOp("add", i32, (x, y), ("nsw",)).flags == ("nsw",)
    assert UOp("reduce", i32, (x,), ("sum", ("k",))).flags == ()  # was ("sum", ("k",))
    v = UOp("broadcast", i32.vec(4), (x,))
    assert UOp("vshuffle", i32.vec(2), (v,), (0, 1)).flags == ()
    assert const(i32.vec(2), (1, 2)).flags == ()


def test_may_be_undefined_comes_from_the_table():
    d = var(i32, "d", 1, 10)
    z = var(i32, "z", 0, 10)
    assert not may_be_undefined(UOp("div", i32, (x, d)), ranges(UOp("div", i32, (x, d))))
    t = UOp("div", i32, (x, z))
    assert may_be_undefined(t, ranges(t))
    t = UOp("shl", i32, (x, var(i32, "s", 0, 31)))
    assert not may_be_undefined(t, ranges(t))
    t = UOp("add", i32, (x, y), ("nsw",))
    assert may_be_undefined(t, ranges(t))
    # A reduction's (kind, names) arg is data, not flags: no longer "may be undefined".
    t = UOp("add", i32, (UOp("reduce", i32, (x,), ("sum", ("k",))), y))
    assert not may_be_undefined(t, {n: (None, None) for n in t.toposort()})


_EDGE = {i8: (-128, -1, 0, 1, 7, 8, 127), u8: (0, 1, 7, 8, 255), i32: (-2**31, -1, 0, 1, 31, 32, 2**31 - 1),
         f32: (float("nan"), float("inf"), -1.5, 0.0, 1e30)}


def test_undefined_if_covers_every_ub_and_poison_of_the_semantics():
    """UB facts are stated once, next to the semantics; this checks the two agree: wherever
    evaluating an unflagged op on constants is UB or poison, its `undefined_if` says so at
    those operand ranges."""
    d = ConcreteDomain(1)
    checked = set()
    for name, od in OPS.items():
        if od.target or od.arity not in (1, 2) or any(p != "T" for p in od.sig.params) or name == "bitcast":
            continue
        for t, vals in _EDGE.items():
            if type_class(t) not in od.sig.T or od.semantics_for(t) is None:
                continue
            rt = {"bool": bool_, "T": t, "@": i32 if t.is_float else f32}[od.sig.result]
            for args in itertools.product(vals, repeat=od.arity):
                node = UOp(name, rt, tuple(const(t, a) for a in args))
                m = interpret([node], d, {})[node]
                if bool(m.defined[0]) and not bool(m.poison[0]):
                    continue
                checked.add(name)
                assert od.undefined_if is not None and od.undefined_if(node, ranges(node)), (name, t, args)
    assert {"div", "mod", "shl", "shr", "log2", "cast"} <= checked


# -- the validator on hand-built nodes ------------------------------------------------------
def _rejects(node, stage, *words):
    with pytest.raises(IRValidationError) as e:
        validate_uops(node, stage)
    assert isinstance(e.value, RewriterError)
    for w in words:
        assert w in str(e.value), str(e.value)
    return e.value


def test_rejects_wrong_arity():
    err = _rejects(UOp("add", i32, (x,)), "kernel", "'add' takes 2 operands, got 1")
    assert err.rule == "arity" and err.node.op == "add"


def test_rejects_wrong_operand_type():
    _rejects(UOp("add", i32, (x, var(i8, "b"))), "kernel", "operand 1 of 'add' is i8", "x + b")
    _rejects(UOp("where", i32, (x, x, y)), "kernel", "not bool")
    _rejects(UOp("xor", idx, (var(idx, "i"), var(idx, "j"))), "kernel", "'xor' is not defined at idx")
    _rejects(UOp("lt", i32, (x, y)), "kernel", "yields bool")


def test_rejects_undeclared_op():
    err = _rejects(UOp("frobnicate", i32, (x,)), "kernel", "op 'frobnicate' is not declared")
    assert err.rule == "declared"


def test_target_ops_only_at_their_target_stage():
    bs = tuple(var(i8, f"b{k}") for k in range(8))
    node = UOp("hvx.vrmpy_bb", i32, bs)
    _rejects(node, "kernel", "'hvx.vrmpy_bb' is not allowed here", "target:hexagon")
    validate_uops(node, "target:hexagon")
    validate_uops(UOp("add", i32, (node, x)), "target:hexagon")


def test_rejects_structural_ops_outside_their_stage():
    r = UOp("reduce", i32, (x,), ("sum", ("k",)))
    validate_uops(r, "kernel")
    _rejects(r, "lowered", "'reduce' is not allowed here")
    _rejects(UOp("acc", i32, (), "acc1"), "kernel", "'acc' is not allowed here")
    _rejects(UOp("special", idx, (), "tid.x"), "lowered", "not allowed")


def test_rejects_bad_args():
    _rejects(UOp("lt", bool_, (x, y), ("nsw",)), "kernel", "allowed flags are none")
    _rejects(const(u8, 300), "kernel", "300 is not a value of u8")
    _rejects(UOp("reduce", i32, (x,), "sum"), "kernel", "not (kind, (range, ...))")
    v = UOp("broadcast", i32.vec(4), (x,))
    _rejects(UOp("extract", i32, (v,), 4), "gpu", "extracts lane 4 of 4")
    _rejects(UOp("vshuffle", i32.vec(2), (v,), (0, 1, 2)), "gpu", "picks 3 lanes")
    _rejects(UOp("broadcast", i32.vec(4), (var(i8, "b"),)), "lowered", "not the result's lane type")


def test_unknown_stage_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_uops(x, "assembly")


def test_kernel_checks_buffers():
    (k,) = parse_kernels("kernel f(a: i32[4]) -> (o: i32[4]) { i = range(4)\n o[i] = a[i] + 1 }")
    validate(k)
    bad = k.with_stores([UOp("store", i32, (k.stores[0].src[0], UOp("load", i32, (var(idx, "i", 0, 3),), "zz")),
                               "o")])
    with pytest.raises(IRValidationError, match="undeclared buffer 'zz'"):
        validate(bad)


# -- every example at every stage ------------------------------------------------------------
_RW = Rewriter(load_library([str(ROOT / "rules")]))


@pytest.fixture(scope="module")
def rw():
    return _RW


#: Found by the validator, left for the GPU lowering's owner: the tensor-core strategy's XOR
#: swizzle of shared-memory chunks builds `xor` over idx, which the op table defines only over
#: fixed-width integers and bools (no Z3 Int encoding, no idx rules).
KNOWN: dict = {}  # (kernel, variant) -> the violation still expected there


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(Path(p).relative_to(ROOT)))
def test_examples_validate_at_every_stage(path, rw):
    for k in load_kernels(path, validate=True):  # after parsing
        s = validate(simplify_kernel(k, rw))  # after simplification
        lower(s, cpu_target(), rw, validate=True)  # the CPU loop program
        lower(s, cpu_target(), rw, vectorize=False, unroll=2, validate=True)
        lower_gpu(s, rw, spec=WEBGPU, validate=True)  # WebGPU
        known = KNOWN.get((k.name, "tensor_cores"))  # CUDA: the tensor cores (default) for f16 matmuls
        if known:
            with pytest.raises(IRValidationError, match=known):
                lower_gpu(s, rw, validate=True)
        else:
            lower_gpu(s, rw, validate=True)
        lower_gpu(s, rw, tensor_cores=False, validate=True)  # CUDA without them (--no-tensor-cores)


def test_unknown_target_op_in_a_rule_is_a_clean_source_error(tmp_path):
    from rewriter.errors import TypeCheckError

    f = tmp_path / "bad.rules"
    f.write_text("rule r: x + 0 => hvx.vfoo(x)\n")
    with pytest.raises(TypeCheckError) as e:
        load_library([str(f)])
    assert str(e.value.loc) == f"{f}:1:18" and "unknown op 'hvx.vfoo'" in e.value.render()


def test_hexagon_selection_output_validates_at_its_target_stage():
    """The Hexagon selector's rules (rules/hexagon.rules) rewrite a four-product sum to
    hvx.vrmpy_bb: valid at "target:hexagon", rejected at the portable "kernel" stage."""
    lib = load_library([str(ROOT / "rules")])
    selector = Rewriter(lib.for_target("hexagon"))
    prods = [UOp("mul", i32, (UOp("cast", i32, (var(i8, f"a{q}"),)), UOp("cast", i32, (var(i8, f"b{q}"),))))
             for q in range(4)]
    term = prods[0]
    for p in prods[1:]:
        term = UOp("add", i32, (term, p))
    selected = selector.normalize(term)
    assert any(n.op == "hvx.vrmpy_bb" for n in selected.toposort()), selected
    validate_uops(selected, "target:hexagon")
    _rejects(selected, "kernel", "'hvx.vrmpy_bb' is not allowed here")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(kernel_cases(max_depth=2))
def test_random_kernels_validate_at_every_stage(case):
    """The fuzzer's random kernels (every dtype, reductions, temporaries) validate after
    parsing, simplification, the CPU lowering and the GPU lowerings."""
    k = case.kernel
    assert k is not None, case.parse_error
    assume(all(b.size <= 1 << 16 for b in k.buffers))
    validate(k)
    s = validate(simplify_kernel(k, _RW))
    for vectorize in (True, False):
        try:
            lower(s, cpu_target(), _RW, vectorize=vectorize, validate=True)
        except LoweringError:  # a kernel the CPU lowering refuses (nested reductions...)
            pass
    for spec in (H100, WEBGPU):
        try:
            lower_gpu(s, _RW, spec=spec, validate=True)
        except (GpuLoweringError, LoweringError):
            pass
