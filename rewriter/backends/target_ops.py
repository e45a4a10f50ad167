"""Every target's op vocabulary, registered into the op table (`rewriter.ir.ops`).

Target instructions (`hvx.*` for Hexagon) are declared by their target's package, not by the
portable `rewriter/ir/`, and the rule DSL (`rewriter/dsl/`) imports no target either. A rule
file that uses a target op (`rules/hexagon.rules`) typechecks once that target's op module is
imported; importing this module imports them all. The entry points that load the rule
library (the CLI, the pipeline, bench, fuzz, the tests' conftest) import it; a library user
loading `rules/` from Python does too:

    import rewriter.backends.target_ops  # noqa: F401  (registers hvx.* ...)

Why a plug-in list here and not Python entry points: registration stays a plain import that
works from a source checkout (PYTHONPATH, worktrees) without reinstalling package metadata,
and adding a target is one line below. A target package's `__init__` imports its own op
module first, so any use of the backend registers its ops too.
"""
from __future__ import annotations

from rewriter.backends.hexagon import ops as hexagon_ops

#: target name -> its op module (imported: its ops are registered).
TARGET_OP_MODULES = {"hexagon": hexagon_ops}
