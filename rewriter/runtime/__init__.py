"""Runtimes: build, load, run and time kernels on each target."""
