"""Charts as inline SVG, drawn here without any library or network: bars, columns, labels in Chinese.

Each chart is one ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that
say in words what it shows, so screen readers and printouts without colour
lose nothing. Text and lines use ``currentColor`` and follow the page's colour
(light or dark theme, print).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

WIDTH = 640
BAR = "#3b6ea5"
TARGET = "#8a8a8a"
MARK = "#c0392b"
FONT = 12


@dataclass
class Bar:
    label: str
    value: Decimal | int | None
    text: str                       # the value as printed next to the bar
    target: Decimal | int | None = None   # an outline behind the bar (e.g. how many were expected)


def text_width(text: str, size: int = FONT) -> float:
    """Rough width of ``text``: CJK characters are square, Latin ones about half as wide."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def _open(chart_id: str, title: str, description: str, height: float) -> list[str]:
    return [f'<svg class="wsas-chart" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
            f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-size="{FONT}" '
            f'style="max-width:100%;height:auto">',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>']


def _num(value) -> float:
    return float(value) if value is not None else 0.0


def _ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to ``top`` inclusive (``top`` is already a round number)."""
    return [top * i / count for i in range(count + 1)]


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50… that is at least ``value`` (the height of a count axis)."""
    step = 1.0
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _tick_text(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def bar_chart(chart_id: str, title: str, description: str, bars: list[Bar], top: Decimal,
              marks: list[tuple[Decimal, str]] = ()) -> str:
    """Horizontal bars from 0 to ``top`` (e.g. average scores by region), with dashed lines at ``marks``."""
    label_width = max([text_width(bar.label) for bar in bars] + [40]) + 10
    left, right, row = label_width, WIDTH - 56, 24
    shown_marks = [(value, label) for value, label in marks if 0 < value < top]
    first = 26 if shown_marks else 12            # room above the bars for the marks' labels
    axis_y = first + row * len(bars)
    height = axis_y + 22
    scale = (right - left) / _num(top)
    if shown_marks:   # the dashed lines are part of the picture: the words say them too
        description += "；虚线：" + "、".join(label for _, label in shown_marks)
    parts = _open(chart_id, title, description, height)
    for tick in _ticks(_num(top)):
        x = left + tick * scale
        parts.append(f'<line x1="{x:.1f}" y1="{first - 4}" x2="{x:.1f}" y2="{axis_y:.1f}" stroke="currentColor" '
                     f'stroke-opacity="0.18"/>')
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 16:.1f}" text-anchor="middle" fill="currentColor">'
                     f'{_tick_text(tick)}</text>')
    for index, bar in enumerate(bars):
        y = first + index * row
        parts.append(f'<text x="{left - 8:.1f}" y="{y + row / 2:.1f}" text-anchor="end" '
                     f'dominant-baseline="middle" fill="currentColor">{escape(bar.label)}</text>')
        if bar.value is not None:
            width = _num(bar.value) * scale
            parts.append(f'<rect x="{left:.1f}" y="{y + 4:.1f}" width="{width:.1f}" height="{row - 8}" '
                         f'fill="{BAR}"><title>{escape(bar.label)}：{escape(bar.text)}</title></rect>')
            parts.append(f'<text x="{left + width + 4:.1f}" y="{y + row / 2:.1f}" dominant-baseline="middle" '
                         f'fill="currentColor">{escape(bar.text)}</text>')
        else:
            parts.append(f'<text x="{left + 4:.1f}" y="{y + row / 2:.1f}" dominant-baseline="middle" '
                         f'fill="currentColor">{escape(bar.text)}</text>')
    for value, label in shown_marks:
        x = left + _num(value) * scale
        parts.append(f'<line x1="{x:.1f}" y1="{first - 8}" x2="{x:.1f}" y2="{axis_y:.1f}" stroke="{MARK}" '
                     f'stroke-width="1.5" stroke-dasharray="5 3"/>')
        parts.append(f'<text x="{x:.1f}" y="{first - 12}" text-anchor="middle" fill="{MARK}" font-size="11">'
                     f'{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(chart_id: str, title: str, description: str, bars: list[Bar], unit: str = "") -> str:
    """Vertical columns of counts (score bands, results per month); a dashed outline shows a target."""
    height, top_margin, bottom = 250, 22, 44
    left, right = 44, WIDTH - 12
    highest = max([_num(b.value) for b in bars] + [_num(b.target) for b in bars] + [1])
    ceiling = _nice_ceiling(highest)
    plot = height - top_margin - bottom
    scale = plot / ceiling
    slot = (right - left) / max(1, len(bars))
    base = top_margin + plot
    parts = _open(chart_id, title, description, height)
    for tick in _ticks(ceiling, 5 if ceiling >= 5 else int(ceiling)):
        y = base - tick * scale
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="currentColor" '
                     f'stroke-opacity="0.18"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="currentColor">'
                     f'{_tick_text(tick)}{escape(unit)}</text>')
    for index, bar in enumerate(bars):
        x = left + index * slot
        width = slot * 0.62
        middle = x + slot / 2
        if bar.target:
            target = _num(bar.target) * scale
            parts.append(f'<rect x="{middle - width / 2:.1f}" y="{base - target:.1f}" width="{width:.1f}" '
                         f'height="{target:.1f}" fill="none" stroke="{TARGET}" stroke-dasharray="4 3"/>')
        value = _num(bar.value) * scale
        parts.append(f'<rect x="{middle - width / 2:.1f}" y="{base - value:.1f}" width="{width:.1f}" '
                     f'height="{value:.1f}" fill="{BAR}"><title>{escape(bar.label)}：{escape(bar.text)}</title></rect>')
        top = base - max(value, _num(bar.target) * scale)
        parts.append(f'<text x="{middle:.1f}" y="{top - 5:.1f}" text-anchor="middle" fill="currentColor">'
                     f'{escape(bar.text)}</text>')
        parts.append(f'<text x="{middle:.1f}" y="{base + 17:.1f}" text-anchor="middle" fill="currentColor" '
                     f'font-size="{11 if text_width(bar.label, 11) > slot - 4 else FONT}">{escape(bar.label)}</text>')
    parts.append(f'<line x1="{left}" y1="{base:.1f}" x2="{right}" y2="{base:.1f}" stroke="currentColor"/>')
    parts.append("</svg>")
    return "".join(parts)
