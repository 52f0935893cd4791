"""Hazard and risk records (隐患、风险点) and the lists built from them.

* :mod:`.model` — the lifecycle rules (``records/rules.yaml``), times, pointers;
* :mod:`.ledger` — reading ledgers (JSON Lines, folders of ``.json``);
* :mod:`.lifecycle` — one record against the rules; :mod:`.check` — ledgers, summary;
* :mod:`.lists` — 问题隐患清单、问题隐患整改清单、风险清单、风险管控措施清单;
* :mod:`.cadence`, :mod:`.codes` — inspection cadence and import of producer codes;
* :mod:`.cli` — ``wsas records check | lists | cadence | import``.

The semantics are normative in ``spec/records.md``.
"""

from .check import check_document, check_ledgers
from .ledger import read_ledger, read_ledgers
from .model import Rules, published_rules, read_rules

__all__ = ["Rules", "check_document", "check_ledgers", "published_rules", "read_ledger", "read_ledgers",
           "read_rules"]
