"""A stand-in for the Statbank API on 127.0.0.1 that answers and refuses as DST was recorded doing.

What it does, each point as ../shared/FACTS.md (corrected 2026-12-01) and the
recorded answers it names have it:

- ``POST /v1/tableinfo`` answers the table's description (tests/data/statbank,
  DST's fields); ``POST /v1/data`` answers BULK: one header line of the
  variables' ids in upper case (TID), INDHOLD last, semicolons, CRLF, decimal
  commas, no BOM, rows in no promised order (shuffled), and **the cells whose
  value is 0 left out**.
- Refusals are HTTP 400 with {"errorTypeCode", "message"} in DST's words:
  REQUEST-EMPTY (malformed JSON), REQUEST-MISSING (no table, no or bad format),
  EXTRACT-NOTFOUND (unknown table, variable or value), EXTRACT-NOTALLOWED (a
  variable of the table not given, or given no values), EXTRACT-STREAMINGTIMESORT
  (BULK with timeOrder), REQUEST-LIMIT (a non-streamed format over 1,000,000
  cells); an unknown endpoint is 404 REQUEST-NOTFOUND. Each refusal is also kept
  in ``refused``, so a test can assert that the client sent nothing DST refuses.
- The tables: RAS200, FOLK1E and FOLK1C as before, and RAS201, LIGEUB1, KY038 and
  STRAFNA6 (tests/data/statbank/make_tableinfo.py writes their tableinfo).
- The cells: those tests/data/statbank/<TABLE>.bulk.csv names (made-up values the tests
  read back, ".." for a suppressed cell), and every other cell computed from one synthetic
  population of Denmark (tests/denmark.py: sizes, origins, ages, employment, education,
  cash benefits and convictions per municipality, made up and the same every run), so that
  the tables agree with each other as DST's do: RAS200's rates are RAS201's counts divided,
  RAS201's persons are FOLK1E's on the 1st of January after, LIGEUB1's are FOLK1E's, the
  whole country and the regions are the sums of their municipalities. **The named cells are
  the only place where the tables do not agree.** :func:`cell` gives any cell, so a test can
  compute a figure by hand. Small islands (Læsø 825, Samsø 741, Fanø 563, Ærø 492) have no
  descendants from Western countries, so those cells are 0 and BULK leaves them out;
  RAS200's added bands are ".." before they begin (16-65 in 2020, 16-66 in 2022).

``fail_next`` makes the next answers fail with 503, to test retries; ``retired`` names
tables answered as DST answers a table it no longer has (400 EXTRACT-NOTFOUND "Tabel
findes ikke: X", for tableinfo and data alike); ``recode`` serves a table with some value
codes changed ({table: {variable: {old: new}}}, texts unchanged) in its tableinfo, in the
requests it accepts and in its answers, to test that a client reads codes by their texts.
"""

from __future__ import annotations

import copy
import functools
import gzip
import itertools
import json
import random
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import denmark
import numpy as np
from denmark import DATA, SMALL

__all__ = ["DATA", "SMALL", "StandIn", "cell", "named_cells", "tableinfo"]
_STREAMED = frozenset({"BULK"})
_FORMATS = frozenset({"BULK", "CSV", "JSON", "JSONSTAT", "XLSX", "PX", "TSV", "HTML5"})


def _error(code: str, message: str) -> str:
    return json.dumps({"errorTypeCode": code, "message": message}, ensure_ascii=False)


def tableinfo(table: str) -> dict[str, Any] | None:
    """The table's tableinfo as the fixture has it (a fresh copy), None for no such table."""
    path = DATA / f"{table.upper()}.tableinfo.json"
    if not path.is_file():
        return None
    data = copy.deepcopy(denmark.tableinfo(table.upper()))
    data.pop("_comment", None)
    return data


def named_cells(table: str) -> dict[tuple[str, ...], str]:
    """The cells the fixture names, keyed by the codes in the table's variable order."""
    return dict(_named_cells(table.upper()))


@functools.cache
def _named_cells(table: str) -> dict[tuple[str, ...], str]:
    path = DATA / f"{table}.bulk.csv"
    if not path.is_file():
        return {}
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"
    ]
    header = lines[0].split(";")
    info = denmark.tableinfo(table)
    order = [v["id"].upper() for v in info.get("variables", [])]
    cells: dict[tuple[str, ...], str] = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split(";"), strict=True))
        cells[tuple(row[name] for name in order)] = row["INDHOLD"]
    return cells


def computed_value(table: str, codes: dict[str, str]) -> str:
    """A cell of the synthetic Denmark (tests/denmark.py) as DST would print it."""
    return denmark.cell(table, codes)


def cell(table: str, codes: dict[str, str]) -> str:
    """The cell the stand-in answers for these codes (upper-case variable ids), as DST prints
    it: the value the fixture names, else the computed one. A test computes figures by hand
    from these."""
    info = tableinfo(table) or {}
    order = tuple(codes[v["id"].upper()] for v in info.get("variables", []))
    named = _named_cells(table.upper()).get(order)
    return named if named is not None else computed_value(table, codes)


def _is_zero(value: str) -> bool:
    return value.replace(",", "").strip("0") == "" and value != ".."


def _rows(
    table: str, order: list[str], chosen: dict[str, list[str]]
) -> list[tuple[tuple[str, ...], str]]:
    """(codes, printed value) of every asked cell, the named cells over the model's, zeros
    left out; a period's cells come from one array (:func:`denmark.grid`), not cell by cell."""
    codes = denmark.variable_codes(table)
    position = {var: {code: i for i, code in enumerate(codes[var])} for var in codes}
    named = _named_cells(table.upper())
    *others, period = order
    out: list[tuple[tuple[str, ...], str]] = []
    for when in chosen[period]:
        grid = denmark.grid(table, when)
        index = [[position[var][code] for code in chosen[var]] for var in others]
        sub = grid[np.ix_(*index)].ravel()
        values = sub.astype(str).tolist() if sub.dtype.kind in "iu" else sub.tolist()
        for combination, value in zip(
            itertools.product(*(chosen[v] for v in others)), values, strict=True
        ):
            key = (*combination, when)
            if named:
                value = named.get(key, value)
            if value == "0" or _is_zero(value):
                continue  # BULK leaves out the cells whose value is 0
            out.append((key, value))
    return out


class StandIn:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict]] = []
        self.refused: list[tuple[int, str, str]] = []
        self.fail_next = 0
        #: DST's limit for a non-streamed format (lowered by a test to try it cheaply).
        self.cell_limit = 1_000_000
        #: Answer every request with this redirect (a Location), or with IIS's HTML 404 page.
        self.redirect_to = ""
        self.html_error = False
        #: A hostile answer: change (status, body, kind) of each answer before it is sent.
        self.tamper: Callable[[str, int, str, str], tuple[int, str, str]] | None = None
        #: Send the body a byte at a time, this many seconds apart (a slow server).
        self.drip = 0.0
        #: Break off this many data answers half-way: the whole Content-Length, half the body,
        #: the connection closed (an answer cut short, urllib3's IncompleteRead).
        self.cut_short = 0
        #: Send this many zero bytes gzip-compressed, with Content-Encoding: gzip (a bomb).
        self.gzip_bomb = 0
        #: Tables answered as DST answers a table it no longer has.
        self.retired: set[str] = set()
        #: Value codes served changed: {table: {variable id: {fixture's code: served code}}}.
        self.recode: dict[str, dict[str, dict[str, str]]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, endpoint: str, raw: bytes) -> tuple[int, str, str]:
        """(HTTP status, body, content type) for one POST, as DST answers it."""
        if endpoint not in ("tableinfo", "data", "tables", "subjects"):
            return (
                404,
                _error("REQUEST-NOTFOUND", "Siden kan ikke findes. / Page not found."),
                "json",
            )
        try:
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise ValueError
        except ValueError:
            return (
                400,
                _error(
                    "REQUEST-EMPTY",
                    "Medsend gyldigt JSON-objekt når der postes. / Supply valid JSON-object when posting.",
                ),
                "json",
            )
        self.requests.append((endpoint, body))
        table = str(body.get("table", ""))
        if not table:
            return 400, _error("REQUEST-MISSING", "Der er ikke angivet nogen tabel-id."), "json"
        info = tableinfo(table)
        if info is None or table.upper() in {t.upper() for t in self.retired}:
            return 400, _error("EXTRACT-NOTFOUND", f"Tabel findes ikke: {table}"), "json"
        recode = self._recode(table)
        for variable in info["variables"]:
            for value in variable["values"]:
                value["id"] = recode.get(variable["id"].upper(), {}).get(value["id"], value["id"])
        fmt = str(body.get("format", "")).upper()
        if endpoint == "tableinfo":
            if fmt and fmt != "JSON":
                return (
                    400,
                    _error("REQUEST-MISSING", "Format ikke angivet, eller ikke gyldigt."),
                    "json",
                )
            return 200, json.dumps(info, ensure_ascii=False), "json"
        if fmt not in _FORMATS:
            return (
                400,
                _error("REQUEST-MISSING", "Format ikke angivet, eller ikke gyldigt."),
                "json",
            )
        if fmt in _STREAMED and body.get("timeOrder"):
            return (
                400,
                _error(
                    "EXTRACT-STREAMINGTIMESORT",
                    "Tidssortering kan ikke anvendes med streaming-formater.",
                ),
                "json",
            )
        variables = {v["id"].upper(): v for v in info["variables"]}
        chosen: dict[str, list[str]] = {}
        for given in body.get("variables", []):
            code = str(given.get("code", "")).upper()
            if code not in variables:
                return (
                    400,
                    _error("EXTRACT-NOTFOUND", f"Kan ikke finde variablen: {given.get('code')}"),
                    "json",
                )
            offered = [v["id"] for v in variables[code]["values"]]
            values = [str(v) for v in given.get("values", [])]
            if "*" in values:
                values = offered
            for value in values:
                if value not in offered:
                    return (
                        400,
                        _error(
                            "EXTRACT-NOTFOUND",
                            f"Kan ikke finde værdien: {value} ({variables[code]['id']})",
                        ),
                        "json",
                    )
            if not values:
                return (
                    400,
                    _error(
                        "EXTRACT-NOTALLOWED",
                        f"Der skal vælges værdier for variabel: {variables[code]['id']}",
                    ),
                    "json",
                )
            chosen[code] = values
        for code, variable in variables.items():
            if code not in chosen:
                return (
                    400,
                    _error(
                        "EXTRACT-NOTALLOWED",
                        f"Der skal vælges værdier for variabel: {variable['id']}",
                    ),
                    "json",
                )
        cells = 1
        for values in chosen.values():
            cells *= len(values)
        if fmt not in _STREAMED and cells > self.cell_limit:
            message = (
                f"Forespørgslen på op mod {cells:,} celler er over begrænsningen på "
                f"{self.cell_limit:,} celler for denne filtype. Anvend BULK eller andet "
                "streaming format i stedet."
            ).replace(",", ".")
            return 400, _error("REQUEST-LIMIT", message), "json"
        order = list(variables)
        back = {var: {new: old for old, new in codes.items()} for var, codes in recode.items()}
        asked = {
            var: [back.get(var, {}).get(v, v) for v in values] for var, values in chosen.items()
        }
        shown = [recode.get(var, {}) for var in order]
        rows = []
        for combination, value in _rows(table.upper(), order, asked):
            if recode:
                combination = tuple(m.get(c, c) for m, c in zip(shown, combination, strict=True))
            rows.append(";".join((*combination, value)))
        random.Random(len(rows)).shuffle(rows)  # BULK promises no order
        header = ";".join([*order, "INDHOLD"])
        return 200, "\r\n".join([header, *rows]) + "\r\n", "text"

    def _recode(self, table: str) -> dict[str, dict[str, str]]:
        """The codes changed in this table, by upper-case variable id."""
        for name, variables in self.recode.items():
            if name.upper() == table.upper():
                return {var.upper(): dict(codes) for var, codes in variables.items()}
        return {}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _send(self, status: int, body: str, kind: str) -> None:
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header(
                    "Content-Type",
                    "application/json; charset=utf-8"
                    if kind == "json"
                    else "text/csv; charset=utf-8",
                )
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                if stand_in.fail_next:
                    stand_in.fail_next -= 1
                    self._send(503, "Service Unavailable", "text")
                    return
                if stand_in.redirect_to:
                    self.send_response(307)
                    self.send_header("Location", stand_in.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if stand_in.html_error:
                    page = (
                        "<!DOCTYPE html><html><head><title>404 - File or directory not found."
                        "</title></head><body><h2>404 - File or directory not found.</h2>"
                        + "<p>The resource you are looking for might have been removed.</p>" * 40
                        + "</body></html>"
                    )
                    self._send(404, page, "text")
                    return
                endpoint = self.path.rsplit("/", 1)[-1]
                status, body, kind = stand_in.answer(endpoint, raw)
                if status >= 400:
                    stand_in.refused.append((status, self.path, body))
                if stand_in.tamper is not None:
                    status, body, kind = stand_in.tamper(endpoint, status, body, kind)
                if stand_in.gzip_bomb and endpoint == "data":
                    packed = gzip.compress(b"\0" * stand_in.gzip_bomb)
                    self.send_response(200)
                    self.send_header("Content-Encoding", "gzip")
                    self.send_header("Content-Length", str(len(packed)))
                    self.end_headers()
                    self.wfile.write(packed)
                    return
                if stand_in.cut_short and endpoint == "data":
                    stand_in.cut_short -= 1
                    data = body.encode("utf-8")
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if stand_in.drip and endpoint == "data":
                    data = body.encode("utf-8")
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    for i in range(len(data)):
                        try:
                            self.wfile.write(data[i : i + 1])
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(stand_in.drip)
                    return
                self._send(status, body, kind)

        return Handler
