"""The hazard lifecycle (``records/rules.yaml``) as an inline SVG state diagram, drawn here in Python.

The states stand in a row in their main-line order (a box each, the initial one
marked with a start dot, the closing ones drawn with a double border); every
transition is an arrow: neighbours going forward are joined by a straight
arrow, forward jumps (立即整改 registered → awaiting-acceptance) arc above the
row, and every transition going back (验收不通过 → 整改中) arcs below it, dashed.
Nothing is fetched and no script runs: the picture shows offline, prints, and
takes the theme's text colour. Each state is a ``<g data-state=…>`` and each
transition a ``<g data-transition=… data-from=… data-to=…>`` with a ``<title>``,
so tests and screen readers find them.
"""

from __future__ import annotations

import html

BOX_W, BOX_H, GAP, MARGIN = 112, 46, 80, 24
ARC_STEP = 44                     # height added per arc level
FORWARD = "currentColor"
JUMP = "#00897b"
BACK = "#c62828"
FONT = 12


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _text_width(text: str) -> float:
    """A rough width in pixels: CJK characters a full em, others about half."""
    return sum(FONT if ord(ch) > 0x2E7F else FONT * 0.55 for ch in str(text))


def state_diagram_svg(rules: dict, ident: str = "lifecycle") -> str:
    """The SVG of ``rules`` (the plain data of ``records/rules.yaml``): one element per line, no blank lines,
    so that Markdown passes it through untouched."""
    states = rules["states"]
    order = {state["id"]: index for index, state in enumerate(states)}
    transitions = rules["transitions"]
    x_of = {state["id"]: MARGIN + 30 + order[state["id"]] * (BOX_W + GAP) for state in states}
    width = MARGIN * 2 + 30 + len(states) * BOX_W + (len(states) - 1) * GAP

    # arc levels: forward jumps above, every backward transition below; longer spans further out
    above, below = [], []
    for transition in transitions:
        start, end = order[transition["from"]], order[transition["to"]]
        if end < start:
            below.append(transition)
        elif end > start + 1:
            above.append(transition)
    levels: dict[str, int] = {}
    for group in (above, below):
        taken: list[tuple[int, int, int]] = []   # (low, high, level)
        for transition in sorted(group, key=lambda t: abs(order[t["to"]] - order[t["from"]])):
            low, high = sorted((order[transition["from"]], order[transition["to"]]))
            level = 1
            while any(lvl == level and not (high <= lo or low >= hi) for lo, hi, lvl in taken):
                level += 1
            taken.append((low, high, level))
            levels[transition["id"]] = level
    top_levels = max((levels[t["id"]] for t in above), default=0)
    bottom_levels = max((levels[t["id"]] for t in below), default=0)
    row_y = 40 + top_levels * ARC_STEP + 20
    height = row_y + BOX_H + bottom_levels * ARC_STEP + 46

    title = "隐患生命周期：状态与转换"
    words = "；".join(f"{t['label']}（{_label(rules, t['from'])} → {_label(rules, t['to'])}）" for t in transitions)
    out = [f'<svg class="wsas-state-diagram" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-labelledby="{ident}-title {ident}-desc" '
           f'style="max-width:100%;height:auto;font-size:{FONT}px">',
           f'<title id="{ident}-title">{_esc(title)}</title>',
           f'<desc id="{ident}-desc">{len(states)} 个状态：{_esc("、".join(s["label"] for s in states))}。'
           f'{len(transitions)} 种转换：{_esc(words)}。</desc>',
           "<defs>"]
    for name, colour in (("fwd", FORWARD), ("jump", JUMP), ("back", BACK)):
        out.append(f'<marker id="{ident}-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
                   f'markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10Z" style="fill:{colour}"/>'
                   f'</marker>')
    out.append("</defs>")

    # the start dot
    first = x_of[rules["initial"]]
    mid = row_y + BOX_H / 2
    out.append(f'<g class="wsas-state-diagram__start"><title>初始状态：{_esc(_label(rules, rules["initial"]))}</title>'
               f'<circle cx="{first - 22}" cy="{mid}" r="6" style="fill:currentColor"/>'
               f'<line x1="{first - 16}" y1="{mid}" x2="{first - 2}" y2="{mid}" stroke="currentColor" '
               f'stroke-width="1.5" marker-end="url(#{ident}-fwd)"/></g>')

    for state in states:
        x = x_of[state["id"]]
        closing = not state.get("open", True)
        out.append(f'<g class="wsas-state" data-state="{_esc(state["id"])}">'
                   f'<title>{_esc(state["label"])} {_esc(state["id"])}'
                   f'{"（办结）" if closing else "（未办结）"}</title>'
                   f'<rect x="{x}" y="{row_y}" width="{BOX_W}" height="{BOX_H}" rx="8" '
                   f'style="fill:var(--md-default-bg-color, #fff);stroke:currentColor" stroke-width="1.5"/>'
                   + (f'<rect x="{x + 4}" y="{row_y + 4}" width="{BOX_W - 8}" height="{BOX_H - 8}" rx="5" '
                      f'style="fill:none;stroke:currentColor" stroke-width="1"/>' if closing else "")
                   + f'<text x="{x + BOX_W / 2}" y="{row_y + 20}" text-anchor="middle" fill="currentColor" '
                   f'font-weight="700">{_esc(state["label"])}</text>'
                   f'<text x="{x + BOX_W / 2}" y="{row_y + 35}" text-anchor="middle" fill="currentColor" '
                   f'fill-opacity="0.7" font-size="10">{_esc(state["id"])}</text></g>')

    for transition in transitions:
        out.append(_transition(transition, rules, order, x_of, row_y, levels.get(transition["id"], 0), ident))

    legend_y = height - 16
    out.append(f'<g class="wsas-state-diagram__legend">'
               f'<line x1="{MARGIN}" y1="{legend_y}" x2="{MARGIN + 26}" y2="{legend_y}" stroke="{FORWARD}" '
               f'stroke-width="1.5"/><text x="{MARGIN + 32}" y="{legend_y + 4}" fill="currentColor">主线转换</text>'
               f'<line x1="{MARGIN + 110}" y1="{legend_y}" x2="{MARGIN + 136}" y2="{legend_y}" '
               f'style="stroke:{JUMP}" stroke-width="1.5"/>'
               f'<text x="{MARGIN + 142}" y="{legend_y + 4}" fill="currentColor">跳过中间状态</text>'
               f'<line x1="{MARGIN + 246}" y1="{legend_y}" x2="{MARGIN + 272}" y2="{legend_y}" '
               f'style="stroke:{BACK}" stroke-width="1.5" stroke-dasharray="5 3"/>'
               f'<text x="{MARGIN + 278}" y="{legend_y + 4}" fill="currentColor">退回</text>'
               f'<rect x="{MARGIN + 330}" y="{legend_y - 8}" width="22" height="16" rx="3" '
               f'style="fill:none;stroke:currentColor"/><rect x="{MARGIN + 333}" y="{legend_y - 5}" width="16" '
               f'height="10" rx="2" style="fill:none;stroke:currentColor"/>'
               f'<text x="{MARGIN + 358}" y="{legend_y + 4}" fill="currentColor">办结状态</text></g>')
    out.append("</svg>")
    return "\n".join(out)


def _label(rules: dict, state_id: str) -> str:
    return next((s["label"] for s in rules["states"] if s["id"] == state_id), state_id)


def _transition(transition: dict, rules: dict, order: dict, x_of: dict, row_y: float, level: int,
                ident: str) -> str:
    source, target = transition["from"], transition["to"]
    start, end = order[source], order[target]
    conditions = "；".join(f"{c['pointer']} = {str(c['equals']).lower()}" for c in transition.get("when", []))
    requires = "、".join(transition.get("requires", []))
    tip = (f"{transition['label']}（{transition['id']}）：{_label(rules, source)} → {_label(rules, target)}"
           + (f"；要求 {requires}" if requires else "") + (f"；条件 {conditions}" if conditions else ""))
    head = (f'<g class="wsas-transition" data-transition="{_esc(transition["id"])}" data-from="{_esc(source)}" '
            f'data-to="{_esc(target)}"><title>{_esc(tip)}</title>')
    label = _esc(transition["label"])
    if end == start + 1:
        x1, x2 = x_of[source] + BOX_W, x_of[target]
        y = row_y + BOX_H / 2
        return (head + f'<line x1="{x1 + 2}" y1="{y}" x2="{x2 - 2}" y2="{y}" stroke="{FORWARD}" stroke-width="1.5" '
                f'marker-end="url(#{ident}-fwd)"/>'
                f'<text x="{(x1 + x2) / 2}" y="{y - 7}" text-anchor="middle" fill="currentColor">{label}</text></g>')
    forward = end > start
    colour, marker, dash = (JUMP, "jump", "") if forward else (BACK, "back", ' stroke-dasharray="5 3"')
    x1 = x_of[source] + BOX_W / 2 + (10 if forward else -10)
    x2 = x_of[target] + BOX_W / 2 + (-10 if forward else 10)
    y1 = y2 = row_y if forward else row_y + BOX_H
    handles = y1 - level * ARC_STEP if forward else y1 + level * ARC_STEP
    path = f"M{x1} {y1}C{x1} {handles} {x2} {handles} {x2} {y2}"
    # a cubic with both handles on one line reaches 3/4 of the way to it
    peak = y1 + (handles - y1) * 0.75
    text_y = peak - 6 if forward else peak + 15
    width = _text_width(transition["label"]) + 8
    middle = (x1 + x2) / 2
    return (head + f'<path d="{path}" style="fill:none;stroke:{colour}" stroke-width="1.5"{dash} '
            f'marker-end="url(#{ident}-{marker})"/>'
            f'<rect x="{middle - width / 2}" y="{text_y - 12}" width="{width}" height="16" rx="3" '
            f'style="fill:var(--md-default-bg-color, #fff);fill-opacity:0.85"/>'
            f'<text x="{middle}" y="{text_y}" text-anchor="middle" style="fill:{colour}">{label}</text></g>')
