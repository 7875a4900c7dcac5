"""Analyses that run the engine's one flow many times: comparisons, sensitivity, robustness.

Each returns typed results or tidy DataFrames and never prints or writes files.
"""
