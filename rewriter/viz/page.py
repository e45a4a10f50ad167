"""A `VizReport` as one HTML file: inline style and script, no network, every text escaped.

Section ids are stable (tests and links use them): `source`, `steps`, `egraph`, `program`,
`code`, `schedule` (with `slot-grid`, `unit-grid`, `pressure`), `launches` (with one
`bank-map-L-T` per shared tile).
"""
from __future__ import annotations

from html import escape

from rewriter.viz.assets import CSS, JS
from rewriter.viz.model import EGraphView, LaunchView, ScheduleView, VizReport
from rewriter.viz.schedule import UNIT_ORDER

_UNITS = (*UNIT_ORDER, "scalar")


def render_html(rep: VizReport) -> str:
    sections = [("source", "Source", _source(rep)), ("steps", "Rewrite steps", _steps(rep))]
    if rep.error:
        refusal = f'<pre class="error">{escape(rep.error)}</pre>'
        sections.insert(0, ("error", f"{rep.target} refused the kernel", refusal))
    if rep.egraphs:
        sections.append(("egraph", "E-graph", _egraphs(rep.egraphs)))
    # The target's picture before the listings: it is what a reader came for, and the
    # listings are long.
    if rep.schedule is not None:
        sections.append(("schedule", "Modulo schedule", _schedule(rep.schedule)))
    if rep.launches:
        sections.append(("launches", "Launches and shared memory", _launches(rep.launches)))
    if not rep.error:
        code = f"Emitted code ({rep.code_kind})" if rep.code_kind else "Emitted code"
        sections += [("program", "Lowered program", _program(rep)), ("code", code, _pre(rep.code))]
    nav = "".join(f'<a href="#{sid}">{escape(title)}</a>' for sid, title, _ in sections)
    body = "".join(f'<section id="{sid}"><h2>{escape(title)}</h2>{html}</section>' for sid, title, html in sections)
    summary = "".join(f'<div class="sub mono">{escape(line)}</div>' for line in rep.summary)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(rep.kernel)} on {escape(rep.target)} - rewriter viz</title><style>{CSS}</style></head>'
            f'<body><header><h1>{escape(rep.kernel)} <span class="t">on {escape(rep.target)}</span></h1>'
            f'<div class="sub">{escape(rep.target_doc)} &middot; engine {escape(rep.engine)}</div>{summary}'
            f'<nav>{nav}</nav></header><main>{body}</main><script>{JS}</script></body></html>\n')


def _pre(text: str, cls: str = "") -> str:
    if cls == "src":
        return '<pre class="src">' + "".join(f"<span>{escape(line)}</span>" for line in text.splitlines()) + "</pre>"
    return f'<pre class="{cls}">{escape(text)}</pre>'


def _source(rep: VizReport) -> str:
    return (f'<div class="pair"><div><h3>As written</h3>{_pre(rep.source, "src")}</div>'
            f'<div><h3>After the rules</h3>{_pre(rep.simplified, "src")}</div></div>')


def _loc(loc: str) -> str:
    return f' <span class="loc">{escape(loc)}</span>' if loc else ""


def _table(head, rows, cls: str = "", widths=(), row_attrs=(), id: str = "") -> str:  # noqa: A002 (HTML's name)
    """A table of already-escaped cells. `head`: column titles, a title starting with "#"
    right-aligns its column (numbers; the "#" is dropped); `widths`: CSS widths per column
    ("" for the rest); `row_attrs`: extra attributes per row."""
    num = [h.startswith("#") for h in head]
    cols = "".join(f'<col style="width:{w}">' if w else "<col>" for w in widths)
    ths = "".join(f'<th class="num">{h[1:]}</th>' if n else f"<th>{h}</th>" for h, n in zip(head, num))
    trs = "".join(f"<tr{(' ' + row_attrs[i]) if i < len(row_attrs) else ''}>"
                  + "".join(f'<td class="num">{c}</td>' if n else f"<td>{c}</td>" for c, n in zip(row, num)) + "</tr>"
                  for i, row in enumerate(rows))
    group = f"<colgroup>{cols}</colgroup>" if cols else ""
    ident = f' id="{id}"' if id else ""
    return f'<table class="{cls}"{ident}>{group}<thead><tr>{ths}</tr></thead><tbody>{trs}</tbody></table>'


def _rule(name: str, loc: str) -> str:
    return f'<span class="rule">{escape(name)}</span>{_loc(loc)}'


def _term(text: str) -> str:
    return f'<span class="mono">{escape(text)}</span>'


def _steps(rep: VizReport) -> str:
    out = [f'<p class="muted">{escape(rep.steps_note)}</p>' if rep.steps_note else ""]
    if rep.steps:
        out.append('<input class="filter" placeholder="filter by rule or term" oninput="filterSteps(this.value)">')
        rows = []
        for i, s in enumerate(rep.steps, 1):
            rule = _rule(s.rule, s.loc) if s.loc else f'<span class="engine">{escape(s.rule)}</span>'
            if s.beaten:
                lost = ", ".join(f"{escape(n)}{_loc(loc)}" for n, loc in s.beaten)
                rule += f'<div class="beaten">beat (later in the library): {lost}</div>'
            rows.append([str(i), str(s.store), rule, _term(s.before), "&rarr;", _term(s.after)])
        out.append(_table(["##", "#store", "rule", "before", "", "after"], rows, "steps",
                          ("3em", "4em", "30%", "", "2em", ""), [f'data-rule="{escape(s.rule)}"' for s in rep.steps]))
    if rep.rules_fired:
        table = _table(["#times", "rule"], [[str(n), _rule(r, loc)] for r, n, loc in rep.rules_fired])
        out.append(f"<details><summary>Rules fired in the pipeline ({len(rep.rules_fired)})</summary>{table}</details>")
    return "".join(out)


def _egraphs(views: list[EGraphView]) -> str:
    out = []
    for v in views:
        out.append(f'<h3>Store {v.store}: {escape(v.stop_reason)} after {v.iterations} iterations, {v.nodes} nodes, '
                   f'{v.classes} classes, {v.seconds:.3f} s</h3><div class="mono">extracted: {escape(v.term)}</div>')
        hist = _table(["#iteration", "#nodes", "#classes", "#matches applied"],
                      [[str(i), str(n), str(c), str(m)] for i, (n, c, m) in enumerate(v.history, 1)])
        out.append(f"<details><summary>Growth per iteration</summary>{hist}</details>")
        rules = _table(["#matches", "#merges", "rule"], [[str(m), str(g), _rule(r, loc)] for r, loc, m, g in v.rules])
        out.append(f"<details><summary>Rules by matches</summary>{rules}</details>")
        rows = [[f'<span class="id">c{c.id}</span>', _term(c.best), "<br>".join(_term(n) for n in c.nodes)]
                for c in v.shown]
        marks = ['class="egraph-root"' if c.id == v.root else "" for c in v.shown]
        out.append(_table(["#class", "cheapest term", "e-nodes (operands are classes)"], rows, "steps eclass",
                          ("5em", "48%", ""), marks))
    return "".join(out)


def _program(rep: VizReport) -> str:
    # Notes the listing already carries as comments are not repeated above it.
    notes = "".join(f"<li>{escape(n)}</li>" for n in rep.notes if n not in rep.program)
    return (f'<ul class="notes muted">{notes}</ul>' if notes else "") + _pre(rep.program)


def _card(key: str, value: str, cls: str = "") -> str:
    return f'<div class="card {cls}"><div class="k">{escape(key)}</div><div class="v">{escape(value)}</div></div>'


def _schedule(s: ScheduleView) -> str:
    cards = "".join([
        _card("II (bound)", f"{s.ii} ({s.ii_bound})", "good" if s.ii == s.ii_bound else "warn"),
        _card("loop cycles (bound)", f"{s.total} ({s.bound})"),
        _card("gap", f"{s.gap:.1%}", "good" if s.gap == 0 else "warn"),
        _card("stages", str(s.stages)), _card("status", f"{s.status} ({s.solver})"),
        _card("critical resource", ", ".join(f"{r} {s.saturation[r]:.0%}" for r in s.critical) or "-", "warn"),
    ])
    legend = "".join(f'<span style="--c:var(--{u})">{u}</span>' for u in _UNITS)
    out = [f'<div class="cards">{cards}</div><p class="muted">The II bound is set by {escape(s.binding)}.</p>',
           f"<h3>Packets &times; slots: the steady-state loop, a row per cycle of the II window, up to "
           f"{s.issue_width} instructions a packet, coloured by the unit each takes (sN: from the iteration N "
           f'windows back)</h3><div class="legend">{legend}</div>', _slot_grid(s),
           "<h3>Packets &times; units, busy per II window (the critical resource in red)</h3>", _unit_grid(s),
           "<h3>Register pressure over the loop</h3>", _pressure(s)]
    if s.explanation:
        out.append(f"<details><summary>Every alternative tried (--explain)</summary>{_pre(s.explanation)}</details>")
    return "".join(out)


def _slot_grid(s: ScheduleView) -> str:
    cells = ['<div class="h"></div>'] + [f'<div class="h">issue {k}</div>' for k in range(s.issue_width)]
    for p, ops in enumerate(s.slots):
        cells.append(f'<div class="rowh">packet {p}</div>')
        for k in range(s.issue_width):
            if k < len(ops):
                c = ops[k]
                cells.append(f'<div class="cell busy" id="slot-{p}-{k}" data-op="{escape(c.op)}" '
                             f'style="--c:var(--{c.unit})" title="{escape(c.op)}: {escape(c.text)} | {c.unit} | '
                             f'cycle {c.start}, stage {c.stage}"><span class="stage">s{c.stage}</span>'
                             f'{escape(c.text)}</div>')
            else:
                cells.append(f'<div class="cell" id="slot-{p}-{k}">idle</div>')
    cols = f"80px repeat({s.issue_width}, minmax(150px, 1fr))"
    return f'<div class="grid" id="slot-grid" style="grid-template-columns:{cols}">{"".join(cells)}</div>'


def _unit_grid(s: ScheduleView) -> str:
    """Rows are packets; a column per unit of every resource, grouped under its resource's
    name (the machine's order), the fullest resources in red."""
    columns = [(r, u) for r, cap in s.resources for u in range(cap)]
    crit = set(s.critical)
    cells = ['<div class="h"></div>']
    for r, cap in s.resources:
        cells.append(f'<div class="h group{" critical" if r in crit else ""}" style="grid-column:span {cap}" '
                     f'title="{escape(r)}: {cap} a cycle, {s.saturation[r]:.0%} busy">{escape(r)}<br>'
                     f'<span class="sat">{s.saturation[r]:.0%}</span></div>')
    for p in range(s.ii):
        cells.append(f'<div class="rowh">{p}</div>')
        for r, u in columns:
            held = s.units.get((p, r), ())
            op = held[u] if u < len(held) else None
            cls = "ucell" + (" busy" if op else "") + (" critical" if r in crit else "")
            attrs = f' data-op="{escape(op)}" title="{escape(op)}"' if op else ""
            cells.append(f'<div class="{cls}"{attrs}>{escape(op or "")}</div>')
    cols = f"40px repeat({len(columns)}, minmax(30px, 1fr))"
    return f'<div class="grid" id="unit-grid" style="grid-template-columns:{cols}">{"".join(cells)}</div>'


def _pressure(s: ScheduleView) -> str:
    out = []
    for cls, row in s.pressure.items():
        limit = s.registers.get(cls, 0)
        top = max(max(row, default=0), limit, 1)
        bars = "".join(f'<div class="b{" over" if n > limit else ""}" style="height:{100 * n / top:.1f}%" '
                       f'title="packet {p}: {n} live"></div>' for p, n in enumerate(row))
        line = f'<div class="limit" style="bottom:{100 * limit / top:.1f}%" title="{limit} registers"></div>'
        out.append(f'<div><div class="mono">{escape(cls)}: max {max(row, default=0)} live of {limit}</div>'
                   f'<div class="bars">{bars}{line}</div></div>')
    return f'<div class="pressure" id="pressure">{"".join(out)}</div>'


def _launches(launches: list[LaunchView]) -> str:
    rows = [[_term(ln.name), str(ln.grid), str(ln.block), str(ln.grid * ln.block), escape(ln.strategy),
             str(ln.shared_bytes)] for ln in launches]
    out = [_table(["launch", "#grid (blocks)", "#block (threads)", "#threads", "strategy", "#shared bytes"], rows,
                  id="launch-table")]
    for i, ln in enumerate(launches):
        for j, t in enumerate(ln.tiles):
            out.append(f'<h3>{escape(ln.name)}: shared <span class="mono">{escape(t.name)}</span> {escape(t.dtype)}'
                       f'[{t.rows}][{t.cols}+{t.pad}], {t.elem_bytes} B an element, {t.row_words} words a row</h3>'
                       f'<p class="muted">Bank of each 32-bit word (bank = word mod 32) of the first '
                       f'{len(t.banks)} rows; hatched words hold only padding. Word 0 of the first '
                       f'{min(t.rows, 32)} rows falls in {t.column_banks} distinct bank(s).</p>')
            out.append(_bank_map(t, f"bank-map-{i}-{j}"))
    return "".join(out)


def _bank_map(t, ident: str) -> str:
    """Rows of the tile by its words, each coloured by its bank; a gap column where the
    middle of a long row is left out."""
    head, cells = ['<div class="rowh"></div>'], []
    gaps = {k for k in range(1, len(t.words)) if t.words[k] != t.words[k - 1] + 1}
    for k, w in enumerate(t.words):
        head += ['<div class="gap"></div>'] * (k in gaps) + [f'<div class="wh">{w}</div>']
    for r, row in enumerate(t.banks):
        cells.append(f'<div class="rowh">{r}</div>')
        for k, (w, b) in enumerate(zip(t.words, row)):
            cells += ['<div class="gap">&hellip;</div>'] * (k in gaps)
            cells.append(f'<div class="{"pad" if w >= t.pad_from else ""}" '
                         f'style="background-color:hsl({b * 360 // 32},70%,82%)" '
                         f'title="row {r}, word {w}: bank {b}">{b}</div>')
    width = len(t.words) + len(gaps)
    return (f'<div class="scroll"><div class="banks bank-map" id="{ident}" '
            f'style="grid-template-columns:28px repeat({width}, 20px)">{"".join(head + cells)}</div></div>')
