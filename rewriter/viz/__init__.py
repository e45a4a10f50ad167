"""`rewriter viz`: one kernel through one target's pipeline, as a self-contained web page.

In the spirit of tinygrad's VIZ=1: the source, every rewrite step (rule, `file:line`, before
and after, the rules it beat), the e-graph when saturating, the lowered program, the emitted
code, Hexagon's modulo schedule (packets x slots, units, register pressure, bound and gap)
and a GPU program's launches and shared-memory bank map.

    collect(...)     -> VizReport   the data, gathered while optimizing (model.py, collect.py)
    render_html(rep) -> str         one HTML file, inline CSS and JS, no network (page.py)
    make_server(html, port)         http.server on 127.0.0.1 serving that page (serve.py)

It sits above the pipeline (layers: ... pipeline, bench, fuzz, viz, cli); the CLI writes the
file (rewriter/outputs.py) and prints.
"""
from rewriter.viz.collect import collect, collect_file
from rewriter.viz.model import VizReport
from rewriter.viz.page import render_html
from rewriter.viz.serve import make_server

__all__ = ["VizReport", "collect", "collect_file", "make_server", "render_html"]
