"""Validation of lowered programs at their stage boundary: every statement's terms checked
against the op vocabulary (`rewriter.ir.validate`), plus the statement-level facts: loop
variables are idx vars, accumulators are initialized before use with their declared type,
stores and loads name buffers of the program (shared loads, tiles of their launch).

`validate(obj, stage=None)` dispatches on what it is given: a UOp or UOps (stage required),
a Kernel ("kernel"), a loop Program ("lowered") or a GpuProgram ("gpu")."""
from __future__ import annotations

from rewriter.errors import IRValidationError
from rewriter.ir.dtype import idx
from rewriter.ir.ops import GPU, KERNEL, LOWERED
from rewriter.ir.uop import UOp
from rewriter.ir.validate import validate_uops
from rewriter.kernel.kernel import Kernel
from rewriter.kernel.validate import validate_kernel
from rewriter.lower.gpu_program import (Barrier, CopyAsync, CopyCommit, CopyWait, GpuProgram, If, Let, NativeBody,
                                        SharedStore)
from rewriter.lower.program import AccInit, AccUpdate, Loop, Program, Store


class _Checker:
    def __init__(self, stage: str, what: str, buffers, tiles=()):
        self.stage, self.what = stage, what
        self.buffers = {b.name: b for b in buffers}
        self.tiles = {t.name: t for t in tiles}
        self.accs: dict = {}

    def fail(self, msg, node=None, rule="statement"):
        raise IRValidationError(f"{self.what}: {self.stage} IR: {msg}", node=node, rule=rule, stage=self.stage)

    def term(self, u: UOp, where: str):
        validate_uops(u, self.stage, f"{self.what}, {where}")
        for n in u.toposort():
            if n.op in ("load", "vload", "gather"):
                b = self.buffers.get(n.arg)
                if b is None:
                    self.fail(f"{where}: '{n.op}' of undeclared buffer '{n.arg}'", n)
                if n.dtype.scalar != b.dtype or len(n.src) != 1:
                    self.fail(f"{where}: '{n.op}' of '{b.name}' ({b.dtype}) as {n.dtype} with "
                              f"{len(n.src)} indices (lowered loads take one flat index)", n)
            elif n.op in ("sload", "ldmatrix"):
                name = n.arg if n.op == "sload" else n.arg[0]
                if name not in self.tiles:
                    self.fail(f"{where}: '{n.op}' of '{name}', not a shared tile of the launch", n)
            elif n.op == "acc" and n.arg not in self.accs:
                self.fail(f"{where}: reads accumulator '{n.arg}' before its AccInit", n)

    def body(self, stmts):
        for s in stmts:
            if isinstance(s, Loop):
                if s.var.op != "var" or s.var.dtype != idx:
                    self.fail(f"loop variable {s.var!r} is not an idx var", s.var)
                self.body(s.body)
            elif isinstance(s, AccInit):
                self.term(s.value, f"AccInit {s.name}")
                if s.value.dtype != s.dtype:
                    self.fail(f"AccInit {s.name}: a {s.value.dtype} value for a {s.dtype} accumulator", s.value)
                self.accs[s.name] = s.dtype
            elif isinstance(s, AccUpdate):
                if s.name not in self.accs:
                    self.fail(f"AccUpdate {s.name} before its AccInit")
                self.term(s.value, f"AccUpdate {s.name}")
                if s.value.dtype != self.accs[s.name]:
                    self.fail(f"AccUpdate {s.name}: a {s.value.dtype} value for a {self.accs[s.name]} accumulator",
                              s.value)
            elif isinstance(s, Store):
                where = f"store to {s.buffer}"
                self.term(s.index, where)
                self.term(s.value, where)
                b = self.buffers.get(s.buffer)
                if b is None:
                    self.fail(f"{where}: undeclared buffer")
                if s.index.dtype != idx:
                    self.fail(f"{where}: the index is {s.index.dtype}, not a scalar idx", s.index)
                if s.value.dtype.scalar != b.dtype:
                    self.fail(f"{where}: a {s.value.dtype} value into {b.dtype} elements", s.value)
            elif isinstance(s, Let):
                if s.var.op != "var":
                    self.fail(f"Let binds {s.var!r}, not a var", s.var)
                self.term(s.value, f"Let {s.var.arg.name}")
                if s.value.dtype != s.var.dtype:
                    self.fail(f"Let {s.var.arg.name}: a {s.value.dtype} value for a {s.var.dtype} var", s.value)
            elif isinstance(s, If):
                self.term(s.cond, "If")
                if s.cond.dtype.scalar.kind != "bool":
                    self.fail(f"If on a {s.cond.dtype} condition", s.cond)
                self.body(s.body)
            elif isinstance(s, (SharedStore, CopyAsync)):
                where = f"{type(s).__name__} to {s.tile}"
                if s.tile not in self.tiles:
                    self.fail(f"{where}: not a shared tile of the launch")
                self.term(s.index, where)
                self.term(s.value, where)
            elif isinstance(s, (Barrier, CopyCommit, CopyWait)):
                pass
            elif isinstance(s, NativeBody):  # a plan rendered as PTX text: its buffers and types
                p = s.plan
                problem = p.operand_problem()
                if problem:
                    self.fail(f"{type(p).__name__}: {problem}")
                for name, want in p.buffer_types():
                    b = self.buffers.get(name)
                    if b is None or str(b.dtype) != want:
                        self.fail(f"wgmma plan: buffer {name} is {b and b.dtype}, not {want}")
            else:
                self.fail(f"unknown statement {type(s).__name__}")


def validate_program(p: Program, stage: str = LOWERED) -> Program:
    """Check a loop program (`rewriter.lower.lower.lower`'s result); returns it."""
    _Checker(stage, f"program {p.kernel.name}", p.kernel.buffers).body(p.body)
    return p


def validate_gpu_program(gp: GpuProgram, stage: str = GPU) -> GpuProgram:
    """Check a GPU program (`rewriter.lower.gpu.lower_gpu`'s result), launch by launch."""
    for launch in gp.launches:
        _Checker(stage, f"gpu program {gp.kernel.name}, launch {launch.name}", gp.buffers,
                 launch.shared).body(launch.body)
    return gp


def validate(obj, stage: str | None = None):
    """Validate a UOp (or an iterable of UOps), a Kernel, a Program or a GpuProgram at `stage`
    (default: the object's own stage: kernel, lowered, gpu); returns `obj`, raises
    IRValidationError."""
    if isinstance(obj, Kernel):
        return validate_kernel(obj, stage or KERNEL)
    if isinstance(obj, Program):
        return validate_program(obj, stage or LOWERED)
    if isinstance(obj, GpuProgram):
        return validate_gpu_program(obj, stage or GPU)
    if stage is None:
        raise ValueError("validating bare UOps needs a stage")
    validate_uops(obj, stage)
    return obj
