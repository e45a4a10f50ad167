"""rewriter: verified rewrite rules and a constraint-solving superoptimizer for ML/DSP kernels."""

#: The version when the package is not installed (run from a checkout); keep equal to
#: pyproject.toml's, which tests/test_cli_hardening.py checks.
__version__ = "0.1.0"
