"""Target-independent lowering: kernels become loop programs (see `lower.py`)."""
