"""Kernels: the `.ir` format, its typed model and the reference interpreter."""
