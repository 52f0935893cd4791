"""``wsas lint`` of the records data: the lifecycle rules and the cadence table, checked like rubrics.

Both files are schema-checked by the loaders the commands use; then every citation
must point to a source line or to a declared outside document (:func:`wsas.scoring.lint.citation_findings`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UnreadableError
from ..scoring.lint import Finding, Report, citation_findings
from ..paths import records_dir
from ..reading import load_document
from .cadence import CadenceError, load_cadences
from .model import RulesError, read_rules


@dataclass(frozen=True)
class RecordsData:
    """A records data file as lint reports it (id, version, data with its errata)."""

    id: str
    version: str
    data: dict


def published_records_paths() -> list[Path]:
    return [records_dir() / "rules.yaml", records_dir() / "cadences.yaml"]


def is_records_data(path: str) -> bool:
    return Path(path).name in ("rules.yaml", "cadences.yaml")


def lint_records_file(path) -> Report:
    name = str(path)
    try:
        if Path(name).name == "cadences.yaml":
            load_cadences(name)
            data, label = load_document(name), "records/cadences"
        else:
            data, label = read_rules(name).data, "records/rules"
    except (RulesError, CadenceError) as exc:
        return Report(name, None, [_finding(error) for error in exc.errors])
    except (InputError, UnreadableError) as exc:
        return Report(name, None, [_finding(exc.error)])
    return Report(name, RecordsData(label, data.get("version", ""), data), list(citation_findings(data)))


def _finding(error) -> Finding:
    return Finding(error.code, "error", error.message, error.message_en, error.pointer)
