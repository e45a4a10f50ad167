"""What the page shows, as plain data: every field a string, a number or a list of them, so
the page (page.py) renders without knowing the compiler, and tests check the data directly."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RewriteStep:
    """One step of the greedy engine on a store: `rule` (or an engine fold) turned `before`
    into `after`; `beaten` are the rules that matched too but come later in the library."""

    store: int  # which store of the kernel (0-based)
    rule: str
    loc: str  # file:line:col of the rule ("" for the engine's own folds)
    before: str
    after: str
    beaten: tuple[tuple[str, str], ...] = ()  # (rule, file:line:col)


@dataclass(frozen=True)
class EClassView:
    id: int
    best: str  # the cheapest term of the class (the extractor's pick)
    nodes: tuple[str, ...]  # its e-nodes, operands as class ids (`add(c3, c7)`)


@dataclass(frozen=True)
class EGraphView:
    """One store's saturation: how it stopped, growth per iteration, rules by matches, and
    the classes reachable from the root (at most `MAX_CLASSES` of them)."""

    store: int
    stop_reason: str
    iterations: int
    nodes: int
    classes: int
    seconds: float
    history: tuple[tuple[int, int, int], ...]  # (nodes, classes, matches) per iteration
    rules: tuple[tuple[str, str, int, int], ...]  # (rule, loc, matches, merges), most matches first
    root: int
    shown: tuple[EClassView, ...]
    term: str  # the extracted result


@dataclass(frozen=True)
class SlotCell:
    """An op in one issue slot of one packet of the steady-state loop."""

    op: str
    text: str
    unit: str  # the HVX resource the op's chosen option takes (colour), or "scalar"
    start: int  # cycle in the flat one-iteration schedule
    stage: int


@dataclass(frozen=True)
class ScheduleView:
    """A modulo schedule: packets (rows) x issue slots, the units each packet holds, the
    register pressure per packet, and how far the result is from its bounds."""

    line: str  # the target's one-line summary
    ii: int
    ii_bound: int
    stages: int
    total: int
    bound: int
    gap: float
    status: str
    solver: str
    issue_width: int
    slots: tuple[tuple[SlotCell, ...], ...]  # per packet, the ops it issues (<= issue_width)
    resources: tuple[tuple[str, int], ...]  # (resource, units per cycle), the machine's order
    units: dict  # (packet, resource) -> ops holding units of it, in unit order
    saturation: dict  # resource -> busy units / available units over the II window
    critical: tuple[str, ...]  # the fullest resources (highlighted)
    binding: str  # what sets the II bound (bounds.binding_bound)
    pressure: dict  # register class -> live registers per packet
    registers: dict  # register class -> registers in the file
    explanation: str = ""  # every alternative the target tried (--explain)


@dataclass(frozen=True)
class TileView:
    """A shared tile and where its 32-bit words fall in the 32 banks."""

    name: str
    dtype: str
    rows: int
    cols: int
    pad: int
    elem_bytes: int
    row_words: int  # words per (padded) row
    words: tuple[int, ...]  # the words of a row shown (all, or the first ones and the last ones)
    banks: tuple[tuple[int, ...], ...]  # bank of each shown word of the first rows
    pad_from: int  # words at this index and beyond in a row hold only padding
    column_banks: int  # distinct banks of word 0 over the first 32 rows: 32 = a column is conflict-free


@dataclass(frozen=True)
class LaunchView:
    name: str
    grid: int
    block: int
    strategy: str
    shared_bytes: int
    tiles: tuple[TileView, ...]


@dataclass
class VizReport:
    kernel: str
    target: str
    target_doc: str
    engine: str
    source: str  # the .ir text as written
    simplified: str  # the kernel after the rules
    steps: list[RewriteStep] = field(default_factory=list)
    steps_note: str = ""  # e.g. why there are no steps (saturation)
    egraphs: list[EGraphView] = field(default_factory=list)
    rules_fired: list[tuple[str, int, str]] = field(default_factory=list)  # (rule, times, loc)
    program: str = ""  # --emit ir
    code: str = ""
    code_kind: str = ""
    notes: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    schedule: ScheduleView | None = None
    launches: list[LaunchView] = field(default_factory=list)
    error: str = ""  # why the target refused the kernel (then only source and steps are shown)
