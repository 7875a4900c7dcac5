"""``allocate app``: the what-if page for the board meeting.

:mod:`~allocator.app.whatif` says a question as the command line's ``--set`` changes and as
a file that extends the base, and lays its answer beside the base's; it has no web
framework. :mod:`~allocator.app.page` is the Shiny page, imported only by the command, so
the rest of the package never needs Shiny.
"""
