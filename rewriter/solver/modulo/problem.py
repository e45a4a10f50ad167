"""The scheduling problem of one loop body, as data: what the global solver decides over.

A `LoopProblem` is target-neutral. A backend turns its machine model and a loop body into one:

  * `SchedOp`     an instruction: its latency, and one or more `options` — the ways it can be
                  issued, each a bag of resources used for one cycle (`{"slot2": 1, "mpy": 1}`).
                  A scalar ALU instruction that may go in slot 2 or 3 has two options; an HVX
                  multiply that takes either multiply unit has `{"mpy": 1}` against a capacity
                  of 2; a double-vector instruction `{"mpy": 2}` (a pair of resources).
  * `Dep`         `dst` may start `latency` cycles after `src` starts, `distance` iterations
                  later (0: the same iteration; 1: a loop-carried value such as an
                  accumulator). `use=False` marks an ordering edge (anti/output
                  dependence): it constrains time but does not extend a lifetime.
  * `Value`       a register an op defines: its class (`"V"`, `"R"`, ...) and how many
                  registers of the class it takes (a vector pair is 2), live from its
                  definition until its last use (uses are the `use` deps out of the
                  defining op).
  * `Choice`      alternatives that compute the same thing (a 3-wide reduce as one `vrmpy`
                  with a zero-padded lane, or as widening multiplies and adds): exactly one
                  alternative's ops are issued; the others cost nothing. An op in no choice is
                  always issued.
  * `Machine`     per-cycle capacity of every resource, the issue width (instructions per
                  packet), and the register file sizes.

The solution is a `ModuloSchedule` (`schedule.py`): an initiation interval II and, per issued
op, its start cycle (in the flat schedule of one iteration) and the option it uses; the steady
state issues op i in packet `start[i] % II` of every II-cycle window.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rewriter.errors import RewriterError


class ScheduleError(RewriterError):
    """A malformed scheduling problem (unknown op, resource or register class)."""


@dataclass(frozen=True)
class SchedOp:
    name: str
    latency: int
    options: tuple[dict, ...]  # each: {resource: units used in the op's issue cycle}
    #: a human-readable form for diagrams and --explain (e.g. "v1.w += vrmpy(v2.ub, r3.b)")
    text: str = ""

    def __post_init__(self):
        if self.latency < 0:
            raise ScheduleError(f"op '{self.name}': negative latency {self.latency}")
        if not self.options:
            raise ScheduleError(f"op '{self.name}' has no issue option")


@dataclass(frozen=True)
class Dep:
    src: str
    dst: str
    latency: int
    distance: int = 0
    #: False for an ordering edge (an anti- or output dependence): `dst` does not read the
    #: value `src` defines, so that value's lifetime does not extend to `dst`
    use: bool = True


@dataclass(frozen=True)
class Value:
    op: str  # the defining op
    reg_class: str
    size: int = 1


@dataclass(frozen=True)
class Choice:
    name: str
    alternatives: tuple[tuple[str, ...], ...]  # op names of each alternative
    labels: tuple[str, ...] = ()  # a name per alternative, for --explain

    def label(self, k: int) -> str:
        return self.labels[k] if k < len(self.labels) else f"#{k}"


@dataclass(frozen=True)
class Machine:
    name: str
    capacity: dict  # resource -> units per cycle
    issue_width: int
    registers: dict = field(default_factory=dict)  # reg class -> count
    #: resources whose use is "ALU work" (the saturation the objective reports); the rest
    #: (load, store, ...) are reported as load/store saturation
    alu_resources: frozenset = frozenset()
    load_resources: frozenset = frozenset()


@dataclass(frozen=True)
class LoopProblem:
    ops: tuple[SchedOp, ...]
    deps: tuple[Dep, ...]
    machine: Machine
    values: tuple[Value, ...] = ()
    choices: tuple[Choice, ...] = ()
    trips: int = 1  # iterations the loop runs (for the total-cycles objective)
    #: A lower bound on II the target proved by its own means, for bounds the resource bags
    #: cannot express (Hexagon: the fewest legal packets holding the body, `packing.py`; the
    #: packet rules taken together). 0: none. Only for a body without choices (the bound
    #: would have to hold for every pick); `restricted` drops it.
    ii_floor: int = 0

    def __post_init__(self):
        names = [o.name for o in self.ops]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise ScheduleError(f"op '{dup}' is defined twice")
        known = set(names)
        for d in self.deps:
            for n in (d.src, d.dst):
                if n not in known:
                    raise ScheduleError(f"dependence names unknown op '{n}'")
            if d.distance < 0:
                raise ScheduleError(f"dependence {d.src} -> {d.dst}: negative distance")
        for o in self.ops:
            for opt in o.options:
                for r, units in opt.items():
                    if r not in self.machine.capacity:
                        raise ScheduleError(f"op '{o.name}' uses unknown resource '{r}'")
                    if units > self.machine.capacity[r]:
                        raise ScheduleError(f"op '{o.name}' needs {units} '{r}' but the machine has "
                                            f"{self.machine.capacity[r]}")
        for v in self.values:
            if v.op not in known:
                raise ScheduleError(f"value of unknown op '{v.op}'")
            if v.reg_class not in self.machine.registers:
                raise ScheduleError(f"value of '{v.op}' in unknown register class '{v.reg_class}'")
        if self.ii_floor and self.choices:
            raise ScheduleError("ii_floor is for bodies without choices")
        seen: set[str] = set()
        for c in self.choices:
            for alt in c.alternatives:
                for n in alt:
                    if n not in known:
                        raise ScheduleError(f"choice '{c.name}' names unknown op '{n}'")
                    if n in seen:
                        raise ScheduleError(f"op '{n}' is in two alternatives")
                    seen.add(n)

    # -- lookups ---------------------------------------------------------------------------------
    def op(self, name: str) -> SchedOp:
        # A dict built on first use (the dataclass is frozen, hence object.__setattr__): the
        # heuristic and the checker look ops up by name in their inner loops, and a linear
        # scan made that quadratic in the body (seconds on a 300-op FIR body).
        index = self.__dict__.get("_op_index")
        if index is None:
            index = {o.name: o for o in self.ops}
            object.__setattr__(self, "_op_index", index)
        try:
            return index[name]
        except KeyError:
            raise ScheduleError(f"unknown op '{name}'") from None

    def uses_of(self, name: str) -> tuple[Dep, ...]:
        """The use dependences out of op `name` (the reads of its value), in `deps` order;
        indexed on first use like `op`: every register model walks them per value, and a
        scan of all dependences per value was quadratic in the body."""
        index = self.__dict__.get("_uses_index")
        if index is None:
            index = {}
            for d in self.deps:
                if d.use:
                    index.setdefault(d.src, []).append(d)
            index = {n: tuple(ds) for n, ds in index.items()}
            object.__setattr__(self, "_uses_index", index)
        return index.get(name, ())

    def index(self) -> dict[str, int]:
        return {o.name: i for i, o in enumerate(self.ops)}

    def choice_of(self) -> dict[str, tuple[int, int]]:
        """op name -> (choice index, alternative index) for ops inside a choice."""
        out = {}
        for ci, c in enumerate(self.choices):
            for ai, alt in enumerate(c.alternatives):
                for n in alt:
                    out[n] = (ci, ai)
        return out

    def restricted(self, picks: tuple[int, ...]) -> "LoopProblem":
        """The problem with choice i fixed to alternative picks[i]: the issued ops, the
        dependences and values among them, no choices. A schedule of it is a schedule of this
        problem with those picks (the same constraints on the same op names)."""
        names = {o.name for o in self.issued(picks)}
        return LoopProblem(tuple(o for o in self.ops if o.name in names),
                           tuple(d for d in self.deps if d.src in names and d.dst in names), self.machine,
                           tuple(v for v in self.values if v.op in names), trips=self.trips)

    def issued(self, picks: tuple[int, ...]) -> list[SchedOp]:
        """The ops issued when choice i takes alternative picks[i]."""
        where = self.choice_of()
        return [o for o in self.ops if o.name not in where or picks[where[o.name][0]] == where[o.name][1]]
