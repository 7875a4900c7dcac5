"""The ``allocate`` command line: one module per command over the library's layers."""

from allocator.cli.app import main

__all__ = ["main"]
