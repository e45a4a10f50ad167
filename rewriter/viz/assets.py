"""The page's style and script, inline (the file is shared as one file and opened without a
network). Unit colours follow the schedule's `unit` names (schedule.UNIT_ORDER)."""

CSS = """
:root { --ink:#1d2330; --muted:#667085; --line:#e4e7ec; --bg:#f7f8fa; --card:#fff; --accent:#3056d3;
  --ld:#4e79a7; --st:#f28e2b; --mpy0:#e15759; --mpy1:#ff9da7; --shift:#59a14f; --xlane:#76b7b2; --scalar:#9d9a96; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
  color:var(--ink); background:var(--bg); }
header { background:#1d2330; color:#fff; padding:18px 32px 12px; position:sticky; top:0; z-index:5; }
header h1 { margin:0; font-size:20px; font-weight:600; }
header h1 .t { color:#9fb3ff; }
header .sub { color:#c4cad6; font-size:13px; margin-top:2px; }
nav { margin-top:10px; display:flex; gap:6px; flex-wrap:wrap; }
nav a { color:#dfe5f2; text-decoration:none; font-size:12px; padding:3px 10px; border-radius:12px;
  background:#2d3546; }
nav a:hover { background:var(--accent); color:#fff; }
main { padding:20px 32px 60px; max-width:1600px; }
section { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 20px;
  margin:0 0 18px; }
section { scroll-margin-top:150px; }
section h2 { margin:0 0 10px; font-size:16px; font-weight:600; }
section h3 { margin:16px 0 8px; font-size:14px; font-weight:600; color:#344054; }
.muted { color:var(--muted); font-size:13px; }
pre, code, .mono { font-family:"JetBrains Mono", "Fira Code", Menlo, Consolas, monospace; font-size:12px; }
pre { background:#f4f5f8; border:1px solid var(--line); border-radius:6px; padding:10px 12px; margin:0;
  overflow:auto; max-height:440px; }
pre.src { counter-reset:ln; }
pre.src span { display:block; }
pre.src span::before { counter-increment:ln; content:counter(ln); display:inline-block; width:3em;
  color:#a0a8b8; text-align:right; margin-right:1em; }
table { border-collapse:collapse; width:100%; }
table.steps { table-layout:fixed; }
.pair { display:grid; grid-template-columns:1fr 1fr; gap:16px; }
.pair h3 { margin-top:0; }
.pair > div { min-width:0; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:12px; color:var(--muted); font-weight:600; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
.steps .mono { word-break:break-all; }
.rule { font-weight:600; color:#1f3a93; }
.loc { color:var(--muted); font-size:11px; font-family:Menlo, Consolas, monospace; }
.beaten { font-size:11px; color:#8a5a00; }
.engine { color:#667085; font-style:italic; font-weight:400; }
input.filter { padding:5px 9px; border:1px solid var(--line); border-radius:6px; width:280px; margin-bottom:8px; }
.cards { display:flex; gap:10px; flex-wrap:wrap; margin-bottom:12px; }
.card { border:1px solid var(--line); border-radius:8px; padding:8px 14px; min-width:120px; background:#fbfcfe; }
.card .v { font-size:20px; font-weight:600; }
.card .k { font-size:11px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
.card.good .v { color:#1b7f3b; } .card.warn .v { color:#b54708; }
.legend { display:flex; gap:12px; flex-wrap:wrap; margin:6px 0 10px; font-size:12px; }
.legend span::before { content:""; display:inline-block; width:11px; height:11px; border-radius:3px;
  margin-right:5px; vertical-align:-1px; background:var(--c); }
.grid { display:grid; gap:3px; align-items:stretch; }
.grid .h { font-size:11px; color:var(--muted); font-weight:600; padding:2px 4px; align-self:end; }
.grid .h.critical { color:#b42318; }
.grid .h.group { border-bottom:2px solid #d0d5dd; text-align:center; white-space:nowrap; overflow:hidden;
  text-overflow:ellipsis; }
.grid .h.group.critical { border-bottom-color:#f04438; }
.grid .h .sat { font-weight:400; }
.grid .rowh { font-size:11px; color:var(--muted); padding:4px 4px; white-space:nowrap; }
.cell { border-radius:5px; padding:4px 6px; font-family:Menlo, Consolas, monospace; font-size:11px; line-height:1.3;
  min-height:34px; background:#eef0f4; color:#98a2b3; overflow:hidden; white-space:nowrap; text-overflow:ellipsis; }
.cell.busy { color:#101828; background:color-mix(in srgb, var(--c) 22%, white); border-left:4px solid var(--c); }
.cell .stage { float:right; color:#667085; font-size:10px; margin-left:6px; }
.cell.hl { outline:2px solid #101828; }
.ucell { border-radius:3px; min-height:22px; background:#eef0f4; font-size:10px; padding:2px 3px;
  font-family:Menlo, Consolas, monospace;
  overflow:hidden; white-space:nowrap; }
.ucell.busy { background:#c9d7f2; }
.ucell.critical { background:#fde2e1; }
.ucell.busy.critical { background:#f04438; color:#fff; }
.ucell.hl { outline:2px solid #101828; }
.bars { display:flex; align-items:flex-end; gap:2px; height:90px; border-bottom:1px solid #98a2b3;
  position:relative; }
.bars div.b { flex:1; background:#7f9cf5; border-radius:2px 2px 0 0; min-width:6px; }
.bars div.b.over { background:#f04438; }
.bars div.limit { position:absolute; left:0; right:0; border-top:1px dashed #b42318; }
.pressure { display:grid; grid-template-columns:repeat(auto-fill, minmax(320px, 1fr)); gap:14px; }
.banks { display:grid; gap:1px; margin:4px 0 12px; }
.banks div { width:20px; height:16px; font-size:9px; text-align:center; line-height:16px; color:#1d2330;
  font-family:Menlo, monospace; }
.banks div.rowh, .banks div.wh { font-size:9px; color:#98a2b3; background:none; padding:0; }
.banks div.gap { background:none; color:#98a2b3; }
.scroll { overflow-x:auto; }
.banks div.pad { background-image:repeating-linear-gradient(45deg, rgba(0,0,0,.18) 0 2px, transparent 2px 5px); }
#error { border-color:#fda29b; background:#fffbfa; }
#error h2 { color:#b42318; }
pre.error { background:#fef3f2; border-color:#fecdca; color:#912018; white-space:pre-wrap; }
details summary { cursor:pointer; color:var(--accent); margin:6px 0; }
.notes li { margin:2px 0; }
.eclass { margin:0 0 6px; }
.eclass .id { font-weight:600; color:#1f3a93; }
.egraph-root { background:#fff7e6; }
"""

JS = """
function filterSteps(q) {
  q = q.toLowerCase();
  document.querySelectorAll('#steps tr[data-rule]').forEach(function (tr) {
    var hit = tr.dataset.rule.toLowerCase().indexOf(q) >= 0 || tr.textContent.toLowerCase().indexOf(q) >= 0;
    tr.style.display = !q || hit ? '' : 'none';
  });
}
// Hovering an op shows it in both schedule grids (slots and units).
document.addEventListener('mouseover', function (e) {
  var t = e.target.closest('[data-op]');
  document.querySelectorAll('.hl').forEach(function (x) { x.classList.remove('hl'); });
  if (!t) return;
  document.querySelectorAll('[data-op="' + t.dataset.op + '"]').forEach(function (x) { x.classList.add('hl'); });
});
// Set last: a browser test reads it from the DOM to know the script ran without an error.
document.documentElement.setAttribute('data-viz-ready', '1');
"""
