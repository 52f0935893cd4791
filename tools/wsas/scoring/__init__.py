"""Rubric scoring, the first part of the specification (spec/scoring.md, spec/validation.md): the rule
kinds, submission checks, scoring into a result, assessment by deadline, rubric lint, and batches of
submissions (``wsas validate`` / ``wsas score``) with their fast path."""
