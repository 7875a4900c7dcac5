"""allocator: split an employment area's staff budget (HTV) across places and service lines.

The package root stays light so that the command line starts quickly; import the parts
you need, e.g. ``from allocator.pipeline import allocate``.
"""

__version__ = "0.1.0"
