"""The registry: every target of this build, in the order `--target` lists them. A new
target is a module beside these (a `Target` subclass and its `TARGET`, see
`rewriter/target.py`) and one entry below; nothing else names targets."""
from rewriter.target import TargetRegistry
from rewriter.targets import cpu, cuda, hexagon, webgpu

TARGETS = TargetRegistry((cpu.TARGET, hexagon.TARGET, cuda.TARGET, webgpu.TARGET))



def register_target_ops() -> None:
    """Nothing to do here: importing this package registers every target's ops (`hvx.*`).
    A process that unpickles this function imports the package: a Dask worker runs it
    (`rewriter.cluster.Cluster(setup=...)`) before it evaluates a target rule."""


__all__ = ["TARGETS", "register_target_ops"]
