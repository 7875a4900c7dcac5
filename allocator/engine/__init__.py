"""The engine: one scenario in, one verified, explained allocation out.

Value types, caseload targets, the rules (one module each, in ``rules/``), the CP-SAT model,
the flow start, the solver stages, the independent verifier, the diagnosis and repair of
conflicts, the explanation, and ``pipeline``: the one flow every caller goes through.
"""
