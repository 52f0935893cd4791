"""Write ``china.json`` from the installed ``chinesecalendar`` package.

Run once per data release (``python calendar/generate.py``), review the diff,
bump ``VERSION`` and record the release in ``spec/changelog.md``: the table,
not the package, is what the specification relies on, so a new year never
arrives by upgrading a dependency.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import chinese_calendar

VERSION = "2026.1"
OUT = Path(__file__).resolve().parent / "china.json"
SOURCE = "国务院办公厅关于部分节假日安排的通知, as compiled by chinesecalendar {}"
TITLE = "中国大陆法定节假日与调休上班日 / Statutory holidays and make-up working days in mainland China"


def _names() -> dict[str, str]:
    """English holiday name (as the package gives it) → Chinese name."""
    return {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


def _days(table: dict, year: int, names: dict[str, str]) -> list[dict]:
    rows = []
    for day in sorted(d for d in table if d.year == year):
        row = {"date": day.isoformat()}
        if table[day]:
            row |= {"name": table[day], "nameZh": names.get(table[day], table[day])}
        rows.append(row)
    return rows


def build() -> dict:
    """The table as a JSON value; ``holidays`` keeps the package's days off, weekends inside a holiday included."""
    names = _names()
    years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    return {
        "$schema": "https://wsas.org/schemas/v1/calendar.json",
        "version": VERSION,
        "title": TITLE,
        "source": SOURCE.format(version("chinesecalendar")),
        "firstYear": years[0],
        "lastYear": years[-1],
        "years": [{"year": year,
                   "holidays": _days(chinese_calendar.holidays, year, names),
                   "workdays": _days(chinese_calendar.workdays, year, names)} for year in years],
    }


def render(data: dict) -> str:
    """Pretty JSON with one day per line, so a data release reviews as a short diff."""
    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    head = [f"  {dump(key)}: {dump(value)}," for key, value in data.items() if key != "years"]
    blocks = []
    for year in data["years"]:
        lists = [f'      {dump(key)}: [\n' + ",\n".join(f"        {dump(day)}" for day in year[key]) + "\n      ]"
                 if year[key] else f"      {dump(key)}: []" for key in ("holidays", "workdays")]
        blocks.append(f'    {{\n      "year": {year["year"]},\n' + ",\n".join(lists) + "\n    }")
    return "{\n" + "\n".join(head) + '\n  "years": [\n' + ",\n".join(blocks) + "\n  ]\n}\n"


def main() -> None:
    data = build()
    text = render(data)
    assert json.loads(text) == data
    OUT.write_text(text, encoding="utf-8", newline="\n")
    print(f"{OUT}: version {data['version']}, {data['firstYear']}–{data['lastYear']}")


if __name__ == "__main__":
    main()
