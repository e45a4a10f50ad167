"""The registry: every target of this build, in the order `--target` lists them. A new
target is a module beside these (a `Target` subclass and its `TARGET`, see
`rewriter/target.py`) and one entry below; nothing else names targets."""
from rewriter.target import TargetRegistry
from rewriter.targets import cpu, cuda, hexagon, webgpu

TARGETS = TargetRegistry((cpu.TARGET, hexagon.TARGET, cuda.TARGET, webgpu.TARGET))

__all__ = ["TARGETS"]
