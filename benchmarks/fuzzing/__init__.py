"""Helpers of ``benchmarks/fuzz.py``: structure-aware mutations (:mod:`.mutate`) and the entry points (:mod:`.entries`)."""
