"""The Hexagon v66 HVX-128 backend: machine model (`isa`), instruction selection (`select`),
list scheduling and its checker (`schedule`), register allocation (`regalloc`), assembly
(`emit`). docs/HEXAGON.md describes it; `compile_hexagon` is the entry point."""
from rewriter.backends.hexagon import ops  # noqa: F401  (first: registers the hvx.* ops)
from rewriter.backends.hexagon.driver import compile_hexagon
from rewriter.backends.hexagon.emit import HexagonCode
from rewriter.backends.hexagon.isa import MODEL, MachineModel, hexagon_target
from rewriter.backends.hexagon.mir import HexagonUnsupported
from rewriter.backends.hexagon.schedule import Schedule, check_schedule

__all__ = ["compile_hexagon", "HexagonCode", "HexagonUnsupported", "MODEL", "MachineModel",
           "hexagon_target", "Schedule", "check_schedule"]
