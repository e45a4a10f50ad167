"""Where the project's rule library and example kernels are when a command is given none.

The library is the `rules/` folder of the checkout the package runs from (the package is
installed editable by `scripts/setup.sh`), found from the package's own location, so the
default does not depend on the current directory: `cd /tmp && rewriter simplify "a+0"
--var a:i32` uses the same rules as in the repository. Run from the repository root the
path stays the short relative `rules`, as messages and corpus files show it.
"""
from __future__ import annotations

from pathlib import Path

from rewriter.errors import RewriterError

_CHECKOUT = Path(__file__).resolve().parent.parent
_LIBRARY = _CHECKOUT / "rules"
_EXAMPLES = _CHECKOUT / "examples"


def default_rule_paths() -> list[str]:
    """The default library as a one-element path list (what `--rules` would hold)."""
    if not (_LIBRARY.is_dir() and any(_LIBRARY.rglob("*.rules"))):
        raise RewriterError(f"the default rule library {_LIBRARY} is missing: pass --rules with "
                            "the rule files or folders to use")
    here = Path("rules")
    try:
        if here.resolve() == _LIBRARY:
            return ["rules"]
    except OSError:  # the current directory may be gone
        pass
    return [str(_LIBRARY)]


def default_kernel_paths() -> list[str]:
    """The example kernels `rewriter bench` runs when given none (`examples/*.ir` of the
    checkout the package runs from), relative when run from the repository root."""
    found = sorted(_EXAMPLES.glob("*.ir"))
    if not found:
        raise RewriterError(f"no example kernels in {_EXAMPLES}: name the .ir files to benchmark")
    try:
        if Path("examples").resolve() == _EXAMPLES:
            return [f"examples/{p.name}" for p in found]
    except OSError:  # the current directory may be gone
        pass
    return [str(p) for p in found]
