"""The GPU-level program: launches of a grid of blocks, each thread running a body of
statements, as data. PTX text (backends/ptx.py) is one rendering of it; WGSL
(backends/wgsl.py) is another (grid -> dispatch, block -> workgroup_size, shared tiles ->
var<workgroup>, barriers -> workgroupBarrier; lowered for `gpu_ops.WEBGPU`, so no shuffles).

A `GpuProgram` runs its launches in order on the same buffers (the kernel's buffers plus
device-only `scratch` buffers, e.g. the per-block partial results of a split reduction).

Statements of a thread's body: the loop program's `Loop`, `AccInit`, `AccUpdate`, `Store`
(lower/program.py) plus

  Let(var, value)            bind a kernel range variable (an idx `var` UOp) to a value
                             computed from the thread's ids; later reads of the var see it
  If(cond, body)             run `body` only where the bool `cond` holds (threads diverge)
  Barrier()                  every thread of the block waits here (bar.sync 0)
  SharedStore(tile, index, value)   one element of a block-shared tile
  CopyAsync(tile, index, vload)     an asynchronous 16-byte global -> shared copy (cp.async)
  CopyCommit() / CopyWait(n)        close the thread's group of copies / wait for all but n
  NativeBody(plan)                  the whole body, as a plan its own emitter writes as PTX
                                    (warpgroup wgmma + TMA: lower/gpu_wgmma.py)

and values (UOps) beside the loop program's ones:

  special () arg="tid.x" | "ctaid.x" | "ntid.x"   the thread's id in its block, the block's id
  sload   (index,) arg=tile                         one element of a shared tile
  shfl    (value, offset) arg="down"                the value of lane (lane + offset) of the
                                                    warp (shfl.sync.down, all 32 lanes active)
  extract (vector,) arg=lane                        one lane of a vector
  vshuffle (vector,) arg=(lane, ...)                the vector of those lanes of `vector`, in
                                                    that order (LLVM shufflevector; the
                                                    window-direct strategy de-interleaves
                                                    row loads with it)

warp-level matrix values (the tensor-core strategy, lower/gpu_mma.py; every lane of
the warp executes them together, never under an `If`):

  ldmatrix (index,) arg=(tile, trans)   ldmatrix.sync.aligned.m8n8.x4{.trans}.shared.b16: the
                                        lane gives the element index of one 16-byte row
                                        (lanes 8q..8q+7: the rows of matrix q) and receives 8
                                        halves (register q = halves 2q, 2q+1) as the PTX ISA
                                        lays them out (gpu_mma.ldmatrix_source)
  mma      (a f16x8, b f16x4, c f32x4) arg="m16n8k16"
                                        mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32:
                                        D = A B + C over the warp's fragments (gpu_mma.a_elem,
                                        b_elem, c_elem)
"""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.ir.dtype import DType, idx
from rewriter.ir.uop import UOp, var
from rewriter.kernel.printer import format_kernel
from rewriter.lower.program import AccInit, AccUpdate, Loop, Store
from rewriter.lower.program import _fmt as _fmt_plain


@dataclass(frozen=True)
class Let:
    var: UOp
    value: UOp


@dataclass(frozen=True)
class If:
    cond: UOp
    body: tuple


@dataclass(frozen=True)
class Barrier:
    pass


@dataclass(frozen=True)
class SharedStore:
    tile: str
    index: UOp
    value: UOp


@dataclass(frozen=True)
class CopyAsync:
    """cp.async.cg.shared.global, 16 bytes: tile[index : +lanes] = `value` (a `vload` of a
    global buffer, 16-byte aligned), landing asynchronously: in the thread's current group,
    complete only after a `CopyWait` that leaves fewer groups pending."""

    tile: str
    index: UOp
    value: UOp


@dataclass(frozen=True)
class CopyCommit:
    """cp.async.commit_group: the thread's copies issued since the last commit form a group."""


@dataclass(frozen=True)
class CopyWait:
    """cp.async.wait_group n: wait until at most `pending` of the thread's groups are in
    flight (their shared-memory writes are then visible to the thread; a Barrier after it
    makes them visible to the block)."""

    pending: int


@dataclass(frozen=True)
class NativeBody:
    """A launch body that is not statements but a plan rendered as PTX text by its own
    emitter (lower/gpu_wgmma.py's WgmmaPlan, emitted by backends/ptx_wgmma.py; lower/gpu_wgmma_conv.py's
    ConvPlan, by backends/ptx_wgmma_conv.py); the simulator runs the plan's numpy model
    (lower/gpu_wgmma_model.py, gpu_wgmma_conv_model.py) instead."""

    plan: object


def native_plan(launch):
    """The plan of a launch whose body is one NativeBody, else None."""
    body = launch.body
    return body[0].plan if len(body) == 1 and isinstance(body[0], NativeBody) else None


@dataclass(frozen=True)
class SharedTile:
    """A block-shared array of `rows` x `row_stride` elements (`row_stride` = the logical
    row length plus the padding the bank model chose)."""

    name: str
    dtype: DType
    rows: int
    cols: int
    pad: int = 0
    # 0: one element a slot (a byte on CUDA; a 32-bit carrier for 8/16-bit integers in
    # WGSL). N: the elements are packed N bytes to a word (WGSL `array<u32>`): every
    # SharedStore into it writes whole words at a word-aligned index (the tail of a store
    # that ends inside a word owns the rest of that word, padding nobody reads).
    word_bytes: int = 0

    @property
    def row_stride(self) -> int:
        return self.cols + self.pad

    @property
    def size(self) -> int:
        return self.rows * self.row_stride


@dataclass(frozen=True)
class Launch:
    name: str
    grid: int  # blocks (1-D grid)
    block: int  # threads per block (1-D)
    body: tuple
    shared: tuple = ()  # SharedTile
    strategy: str = ""
    # Alignment facts for vector accesses: range variable name -> every value it takes is a
    # multiple of this (the vectorized range steps by its width).
    multiples: tuple = ()
    # Blocks that must fit on one SM together (0: no constraint): caps the registers ptxas
    # may give a thread at 64K / (block * this).
    min_blocks_per_sm: int = 0


@dataclass(frozen=True)
class GpuProgram:
    kernel: object
    launches: tuple
    scratch: tuple = ()  # Buffer records that live on the device only
    notes: tuple = ()
    target: object = None

    @property
    def buffers(self) -> tuple:
        """Every buffer a launch may take as a parameter, in parameter order."""
        return tuple(self.kernel.buffers) + tuple(self.scratch)


def special(name: str) -> UOp:
    return UOp("special", idx, (), name)


TID = special("tid.x")
CTAID = special("ctaid.x")


def format_gpu_program(gp: GpuProgram) -> str:
    """The launches and their per-thread bodies, for --emit ir and --explain."""
    def _fmt(u: UOp) -> str:
        """Thread and block ids print by name (tid.x, ctaid.x), shared loads by tile."""
        memo: dict = {}
        for n in u.toposort():
            if n.op == "special":
                memo[n] = var(idx, n.arg)
            elif n.op == "sload":
                memo[n] = var(n.dtype, f"{n.arg}[{_fmt_plain(memo[n.src[0]])}]"
                              + (f" : +{n.dtype.lanes}" if n.dtype.lanes > 1 else ""))
            elif n.op in ("vshuffle", "extract"):  # lanes of a vector by constant indices
                picked = ",".join(map(str, n.arg)) if n.op == "vshuffle" else n.arg
                memo[n] = var(n.dtype, f"{_fmt_plain(memo[n.src[0]])}.lanes<{picked}>")
            elif n.op == "ldmatrix":
                memo[n] = var(n.dtype, f"ldmatrix{'.trans' if n.arg[1] else ''}({n.arg[0]}[{_fmt_plain(memo[n.src[0]])}])")
            elif n.op == "mma":
                memo[n] = var(n.dtype, "mma." + n.arg + "(" + ", ".join(_fmt_plain(memo[x]) for x in n.src) + ")")
            elif n.src:
                memo[n] = n.replace(src=tuple(memo[x] for x in n.src))
            else:
                memo[n] = n
        return _fmt_plain(memo[u])

    lines = [f"# {gp.kernel.name} for {getattr(gp.target, 'name', 'cuda')} ({len(gp.launches)} launch{'es' * (len(gp.launches) != 1)})"]
    lines += [f"# {n}" for n in gp.notes]
    for b in gp.scratch:
        lines.append(f"scratch {b}")

    def emit(stmts, depth):
        pad = "  " * depth
        for s in stmts:
            if isinstance(s, Loop):
                step = f" step {s.step}" if s.step != 1 else ""
                lines.append(f"{pad}for {s.var.arg.name} in 0..{s.stop}{step}:  # {s.kind}")
                emit(s.body, depth + 1)
            elif isinstance(s, If):
                lines.append(f"{pad}if {_fmt(s.cond)}:")
                emit(s.body, depth + 1)
            elif isinstance(s, Let):
                lines.append(f"{pad}let {s.var.arg.name} = {_fmt(s.value)}")
            elif isinstance(s, Barrier):
                lines.append(f"{pad}barrier")
            elif isinstance(s, SharedStore):
                lines.append(f"{pad}shared {s.tile}[{_fmt(s.index)}] = {_fmt(s.value)}")
            elif isinstance(s, CopyAsync):
                lines.append(f"{pad}cp.async {s.tile}[{_fmt(s.index)} : +{s.value.dtype.lanes}] <- {_fmt(s.value)}")
            elif isinstance(s, CopyCommit):
                lines.append(f"{pad}cp.async.commit_group")
            elif isinstance(s, CopyWait):
                lines.append(f"{pad}cp.async.wait_group {s.pending}")
            elif isinstance(s, AccInit):
                lines.append(f"{pad}{s.name}: {s.dtype} = {_fmt(s.value)}")
            elif isinstance(s, AccUpdate):
                lines.append(f"{pad}{s.name} = {_fmt(s.value)}")
            elif isinstance(s, NativeBody):  # PTX text (lower/gpu_wgmma.py), summarized
                lines.append(f"{pad}native wgmma kernel: {s.plan}")
                lines.append(f"{pad}  tensor maps: " + "; ".join(
                    f"{t.dims} strides {t.strides} B box {t.box}" for t in s.plan.tensor_maps()))
            elif isinstance(s, Store):
                lanes = s.value.dtype.lanes
                tgt = f"{s.buffer}[{_fmt(s.index)}" + (f" : +{lanes}]" if lanes > 1 else "]")
                lines.append(f"{pad}{tgt} = {_fmt(s.value)}")

    for l in gp.launches:
        tiles = ", ".join(f"{t.name}: {t.dtype}[{t.rows}][{t.cols}+{t.pad}]" for t in l.shared)
        lines.append(f"launch {l.name} <<<{l.grid}, {l.block}>>>  # {l.strategy}" + (f"; shared {tiles}" if tiles else ""))
        emit(l.body, 1)
    return "\n".join(lines) + "\n"


def gpu_listing(simplified, gp: GpuProgram) -> str:
    """What `--emit ir` shows for a GPU target: the simplified kernel, then its GPU program."""
    return format_kernel(simplified) + "\n" + format_gpu_program(gp)
