"""The conformance kit: the vectors as cases, one comparison, a harness for any implementation behind a command.

``wsas conformance run --implementation "COMMAND"`` starts the implementation, speaks the line protocol of
spec/conformance.md §6 with it (:mod:`.protocol`), sends it every case of the suites (:mod:`.suites`),
compares its answers with the expectations (:mod:`.compare`) and reports (:mod:`.report`). The reference
implementation answers the same protocol (:mod:`.adapter`); the project's own tests use the same comparison.
"""
