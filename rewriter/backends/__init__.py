"""Emitters: one module or package per target."""
