"""What every HTML page of the library shares: its style sheet."""

from __future__ import annotations

from typing import Final

__all__ = ["CSS", "PRINT_CSS"]

CSS: Final = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.7em}h2{border-bottom:2px solid #1f5f8b;padding-bottom:.2em;margin-top:2em}h3{margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.8em 0;font-size:.92em}th,td{border:1px solid #ccd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#eef2f7}td.num{text-align:right;white-space:nowrap}.ok{background:#e3f4e6}.bad{background:#fbe3e0}.na{background:#f2f2f2}
figure{margin:1em 0;padding:.5em;border:1px solid #dde}figcaption{font-size:.88em;color:#444;margin-top:.4em}
nav{border:1px solid #dde;padding:.4em 1em;margin:1em 0;background:#fafbfd}.summary{font-size:1.05em}.verdict{font-weight:600}.diff{color:#8a4b00}.small{font-size:.85em;color:#555}svg{max-width:100%;height:auto}figure svg{width:100%}.decl{background:#fff4d6}
"""

#: On paper: no navigation or sorting hints, tables that wrap and shrink instead of losing
#: columns, a chart or a table row never split over two pages, links that say where they go.
PRINT_CSS: Final = """
@media print{
@page{size:A4;margin:14mm 12mm}
body{max-width:none;margin:0;padding:0;font-size:10pt;color:#000}
nav,p.back,script{display:none}
h2{break-after:avoid;page-break-after:avoid;margin-top:1.2em}h3{break-after:avoid}
figure,tr,svg{break-inside:avoid;page-break-inside:avoid}
table{table-layout:auto;width:100%;font-size:8pt}th,td{padding:.15em .3em;white-space:normal!important;overflow-wrap:break-word;hyphens:auto}
td.num{white-space:nowrap!important}
.wide{overflow:visible!important}
svg{max-width:100%;height:auto}
a{color:#000;text-decoration:none}
}
"""
