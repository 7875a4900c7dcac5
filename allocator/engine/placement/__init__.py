"""Placing people: the transferring staff on offices and assignments, against an allocation.

Once the HTV split is decided, each person of the roster gets one duty station and their
working time on at most two service lines or central services, by a CP-SAT model with
named rules (:mod:`allocator.engine.placement.rules`) and an independent verifier.
"""
