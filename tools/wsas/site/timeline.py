"""An example instance's schedule as an inline SVG timeline, drawn here in Python.

No JavaScript diagram library and nothing fetched: the picture is plain SVG in
the page, so it shows offline, prints, and follows the theme's text colour.
One row per dated entry (label on the left, marker at its due date), one row
per recurring obligation (a tick per period, a band for daily ones).
"""

from __future__ import annotations

import datetime as dt
import html

from ..workflows.deadlines import month_end

WIDTH, LABEL, RIGHT, ROW, TOP = 760, 250, 20, 24, 40
PLOT = WIDTH - LABEL - RIGHT
COLOURS = {
    "stage": "var(--md-primary-fg-color, #4051b5)",
    "deadline": "#00897b",
    "extension-request": "#e65100",
    "target": "#8e24aa",
    "quota": "#8e24aa",
    "obligation": "#6d4c41",
}
LEGEND = {"stage": "阶段", "deadline": "单项时限", "target": "目标、数量要求", "extension-request": "延期申请截止",
          "obligation": "周期任务（每期到期日）"}


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _short(label: str, limit: int = 17) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class _Scale:
    def __init__(self, first: dt.date, last: dt.date):
        self.first = first.replace(day=1)
        self.last = month_end(last.year, last.month)
        self.days = (self.last - self.first).days or 1

    def x(self, day: dt.date) -> float:
        return round(LABEL + (day - self.first).days / self.days * PLOT, 1)

    def ticks(self) -> list[tuple[dt.date, str]]:
        months = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1
        step = next(s for s in (1, 2, 3, 6, 12, 24) if PLOT / months * s >= 58 or s == 24)
        ticks, year, month = [], self.first.year, self.first.month
        while dt.date(year, month, 1) <= self.last:
            label = str(year) if step >= 12 else f"{year}-{month:02d}"
            if step < 12 or month == 1 or not ticks:
                ticks.append((dt.date(year, month, 1), label))
            month += step
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        return ticks


def _marker(kind: str, x: float, y: float) -> str:
    colour = COLOURS.get(kind, COLOURS["deadline"])
    if kind == "stage":
        return f'<circle cx="{x}" cy="{y}" r="5" style="fill:{colour}"/>'
    if kind == "extension-request":
        return f'<path d="M{x} {y - 6}L{x + 6} {y + 5}H{x - 6}Z" style="fill:{colour}"/>'
    if kind in ("target", "quota"):
        return f'<path d="M{x} {y - 6}L{x + 6} {y}L{x} {y + 6}L{x - 6} {y}Z" style="fill:{colour}"/>'
    return f'<rect x="{x - 4.5}" y="{y - 4.5}" width="9" height="9" style="fill:{colour}"/>'


def timeline_svg(schedule: dict, ident: str) -> str:
    """The SVG (one line per element, no blank lines, so Markdown passes it through untouched)."""
    instance = schedule["instance"]
    start = _day(instance["start"])
    end = _day(instance["end"]) if instance["end"] else None
    dated = [e for e in schedule["entries"] if e["due"]]
    obligations = [o for o in schedule["obligations"] if o["occurrences"]]
    days = [start] + ([end] if end else []) + [_day(e["due"]) for e in dated]
    days += [_day(o["occurrences"][-1]["due"]) for o in obligations]
    scale = _Scale(min(days), max(days))
    rows = 1 + len(dated) + len(obligations)
    height = TOP + rows * ROW + 34
    title = f"{schedule['title']}：示例实例日程（{instance['start']} 起）"
    out = [f'<svg class="wsas-timeline" viewBox="0 0 {WIDTH} {height}" '
           f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
           f'style="max-width:100%;height:auto;font-size:12px">',
           f'<title id="{ident}-title">{_esc(title)}</title>',
           f'<desc id="{ident}-desc">{_esc(_span_words(instance, dated))}{len(dated)} 个到期日、'
           f'{len(obligations)} 项周期任务；明细见下表。</desc>']
    bottom = TOP + rows * ROW
    for day, label in scale.ticks():
        x = scale.x(day)
        out.append(f'<line x1="{x}" y1="{TOP - 8}" x2="{x}" y2="{bottom}" stroke="currentColor" stroke-opacity="0.15"/>')
        out.append(f'<text x="{x + 3}" y="{TOP - 14}" fill="currentColor" fill-opacity="0.7">{label}</text>')
    y = TOP + ROW / 2
    out.append(_label("起止日期" if end else "开始日期", y))
    if end:
        out.append(f'<rect x="{scale.x(start)}" y="{y - 6}" width="{max(scale.x(end) - scale.x(start), 2)}" height="12" '
                   f'rx="3" style="fill:{COLOURS["stage"]};fill-opacity:0.25"><title>{start} — {end}</title></rect>')
        out.append(_date_text(f"{start} — {end}", scale.x(end), y))
    else:
        out.append(_marker("stage", scale.x(start), y))
        out.append(_date_text(str(start), scale.x(start), y))
    for entry in dated:
        y += ROW
        x = scale.x(_day(entry["due"]))
        out.append(_label(entry["label"], y))
        out.append(f'<line x1="{LABEL}" y1="{y}" x2="{x}" y2="{y}" stroke="currentColor" stroke-opacity="0.2" stroke-dasharray="2 3"/>')
        out.append(f'<g><title>{_esc(entry["label"])}：{entry["due"]}</title>{_marker(entry["kind"], x, y)}</g>')
        out.append(_date_text(entry["due"], x, y))
    for obligation in obligations:
        y += ROW
        out.append(_label(obligation["label"], y))
        out.append(_obligation(obligation, scale, y))
    out.append(_legend(dated, obligations, bottom + 22))
    out.append("</svg>")
    return "\n".join(out)


def _span_words(instance: dict, dated: list[dict]) -> str:
    """The instance's dates in words for the text equivalent (the picture's first row and its span)."""
    when = f"{instance['start']} 至 {instance['end']}" if instance["end"] else f"{instance['start']} 起"
    dues = sorted(e["due"] for e in dated)
    return f"实例 {when}；" + (f"到期日从 {dues[0]} 到 {dues[-1]}，" if dues else "")


def _label(text: str, y: float) -> str:
    return (f'<text x="{LABEL - 10}" y="{y + 4}" text-anchor="end" fill="currentColor">'
            f'<title>{_esc(text)}</title>{_esc(_short(text))}</text>')


def _date_text(text: str, x: float, y: float) -> str:
    if x > WIDTH - RIGHT - 80:
        return f'<text x="{x - 9}" y="{y + 4}" text-anchor="end" fill="currentColor" fill-opacity="0.8">{_esc(text)}</text>'
    return f'<text x="{x + 9}" y="{y + 4}" fill="currentColor" fill-opacity="0.8">{_esc(text)}</text>'


def _obligation(obligation: dict, scale: _Scale, y: float) -> str:
    colour = COLOURS["obligation"]
    occurrences = obligation["occurrences"]
    span = f"{occurrences[0]['due']} … {occurrences[-1]['due']}，共 {len(occurrences)} 期"
    if obligation["cadence"]["every"] == "day" or len(occurrences) > 60:
        first = scale.x(_day(occurrences[0]["due"]))
        last = scale.x(_day(occurrences[-1]["due"]))
        return (f'<rect x="{first}" y="{y - 4}" width="{max(last - first, 2)}" height="8" style="fill:{colour};fill-opacity:0.6">'
                f'<title>{_esc(obligation["label"])}：{span}</title></rect>')
    ticks = "".join(f'<line x1="{scale.x(_day(o["due"]))}" y1="{y - 6}" x2="{scale.x(_day(o["due"]))}" y2="{y + 6}" '
                    f'style="stroke:{colour}" stroke-width="2"/>' for o in occurrences)
    return f'<g><title>{_esc(obligation["label"])}：{span}</title>{ticks}</g>'


def _legend(dated: list[dict], obligations: list[dict], y: float) -> str:
    kinds = []
    for entry in dated:
        kind = "target" if entry["kind"] == "quota" else entry["kind"]
        if kind not in kinds:
            kinds.append(kind)
    if obligations:
        kinds.append("obligation")
    parts, x = [], LABEL
    for kind in kinds:
        if kind == "obligation":
            parts.append(f'<line x1="{x}" y1="{y - 6}" x2="{x}" y2="{y + 6}" style="stroke:{COLOURS[kind]}" stroke-width="2"/>')
        else:
            parts.append(_marker(kind, x, y))
        text = LEGEND.get(kind, kind)
        parts.append(f'<text x="{x + 10}" y="{y + 4}" fill="currentColor">{_esc(text)}</text>')
        x += 24 + 12 * len(text)
    return "<g>" + "".join(parts) + "</g>"
