"""`select`: which selection strategy compiles a kernel's store, by its shape: elementwise
code and small unrolled reductions (`select.Selector`), a reduction to a scalar (`reduce.py`,
vrmpy where it regroups onto one), a transpose (`transpose.py`); windows (stencils, pools),
matrix products (`rowquads.py`) and everything else go to the general lowering (`rows.py`);
float kernels run on the scalar core (`scalar.py`: v66 HVX has no float lanes)."""
from __future__ import annotations

from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction
from rewriter.backends.hexagon.reduce import reduce_all
from rewriter.backends.hexagon.rows import RowSelector
from rewriter.backends.hexagon.scalar import ScalarSelector
from rewriter.backends.hexagon.select import MAX_UNROLLED_REDUCE, SELECTION_FORMS, FormNotApplicable, Selector
from rewriter.backends.hexagon.transpose import TransposeSelector, transposed_read
from rewriter.kernel.kernel import Kernel


def select(kernel: Kernel, simplify, select_rw, unroll: int = 1, form: str = "native") -> MachineFunction:
    """The machine function for `kernel` (simplified already): a shape-specific strategy
    where one applies (`_shaped`), else the general lowering (`rows.RowSelector`). `simplify`
    normalizes terms with the portable rules, `select_rw` with the Hexagon target rules;
    `form` (a key of `SELECTION_FORMS`) picks among the selection alternatives. Raises
    `HexagonUnsupported` (the general lowering's reason) where neither covers the kernel."""
    if any(b.dtype.is_float for b in kernel.buffers):
        return ScalarSelector(kernel, simplify, select_rw, unroll, form).scalar()
    try:
        return _shaped(kernel, simplify, select_rw, unroll, form)
    except FormNotApplicable:
        raise
    except HexagonUnsupported as e:
        specific = e
    try:
        return RowSelector(kernel, simplify, select_rw, unroll, form).rows()
    except FormNotApplicable:
        raise specific from None


def _shaped(kernel: Kernel, simplify, select_rw, unroll: int = 1, form: str = "native") -> MachineFunction:
    """The machine function for `kernel` (simplified already); `simplify` normalizes terms
    with the portable rules, `select_rw` with the Hexagon target rules. `form` (a key of
    `SELECTION_FORMS`) picks among the selection alternatives; a form other than "native"
    raises `HexagonUnsupported` where it changes nothing (elementwise kernels have "unaligned"
    and the rewrite choices of rules/hexagon-choice-*.rules; byte windows the choice "sliding":
    window.py)."""
    forms = getattr(select_rw, "forms", tuple(SELECTION_FORMS))
    if form not in forms:
        raise HexagonUnsupported(f"the selection form '{form}' (choose from: {', '.join(forms)})")
    if len(kernel.stores) != 1:
        raise HexagonUnsupported(f"{len(kernel.stores)} stores in one kernel")
    if kernel.temps:
        raise HexagonUnsupported("temporary buffers")
    (st,) = kernel.stores
    value = st.src[-1]
    reduces = [n for n in value.toposort() if n.op == "reduce"]
    loop_shape = value.op == "reduce" and (len(st.src) == 3 or (
        len(st.src) == 1 and kernel.range(value.arg[1][0]).size > MAX_UNROLLED_REDUCE))
    window_shape = len(st.src) == 3 and value.op == "reduce" and len(value.arg[1]) == 2 \
        and value.arg[0] not in ("reduce_max", "reduce_min")
    chosen = getattr(select_rw, "choices", {}).get(form)
    if form != "native" and loop_shape and not (window_shape and (getattr(chosen, "slides", False)
                                                                  or getattr(chosen, "tmpy", False))):
        raise FormNotApplicable("only elementwise kernels (and byte windows: the choices of rules that "
                                "slide them or take vtmpy, rules/hexagon-choice-sliding.rules and "
                                "-vtmpyb.rules) have selection forms other than native")
    if value.op == "reduce" and len(st.src) == 1 and kernel.range(value.arg[1][0]).size > MAX_UNROLLED_REDUCE:
        return reduce_all(Selector(kernel, simplify, select_rw, unroll), st)
    if len(st.src) == 3 and value.op == "reduce" and len(value.arg[1]) in (1, 2):
        raise HexagonUnsupported("a window or a matrix product (the general lowering's: rows.py, window.py, "
                                 "rowquads.py)")
    if reduces and len(st.src) == 1:
        raise HexagonUnsupported("a reduction to a scalar of this form")
    if not reduces and transposed_read(kernel, st, simplify):
        return TransposeSelector(kernel, simplify, select_rw, unroll, form).transpose(st)
    return Selector(kernel, simplify, select_rw, unroll, form).elementwise(st)
