"""Workflows, the second part of the specification (spec/workflows.md): working days, deadline rules, the
calendar of a program instance (``wsas schedule``), event-log checks (``wsas check``) and program lint.
Records, the third part, are the package ``wsas.records``."""
