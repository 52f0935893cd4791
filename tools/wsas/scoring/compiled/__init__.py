"""The batch fast path's compiled pillar: per-rubric checks that prove a submission valid and add up its
points in one pass (:mod:`.checks`), and the outputs built from those totals — CSV rows and result
documents written straight to bytes (:mod:`.results`). Both are proven equal to the reference path by
tests/differential.py.
"""

from .checks import CompiledCheck, Compiler

__all__ = ["CompiledCheck", "Compiler"]
