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
- The cells: those tests/data/statbank/<TABLE>.bulk.csv names (made-up values
  the tests read back, ".." for a suppressed cell), and every other cell of the
  table computed from a hash of its codes (made up, the same every run; :func:`cell`
  gives any one of them, so a test can compute a figure by hand). A place has one
  made-up size for every table: FOLK1E's single years of age are about an 80th of
  its group, FOLK1C's countries of origin a few per thousand of its residents. In
  FOLK1E small islands (Læsø 825, Samsø 741, Fanø 563, Ærø 492) have no
  descendants from Western countries, so those cells are 0 and BULK leaves them
  out; RAS200's added bands are ".." before they begin (16-65 in 2020, 16-66 in
  2022).

``fail_next`` makes the next answers fail with 503, to test retries.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import random
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "statbank"
#: Municipalities with no descendants from Western countries in the stand-in: zero cells.
SMALL = frozenset({"825", "741", "563", "492"})
_STREAMED = frozenset({"BULK"})
_FORMATS = frozenset({"BULK", "CSV", "JSON", "JSONSTAT", "XLSX", "PX", "TSV", "HTML5"})


def _error(code: str, message: str) -> str:
    return json.dumps({"errorTypeCode": code, "message": message}, ensure_ascii=False)


def tableinfo(table: str) -> dict[str, Any] | None:
    path = DATA / f"{table.upper()}.tableinfo.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("_comment", None)
    return data


def named_cells(table: str) -> dict[tuple[str, ...], str]:
    """The cells the fixture names, keyed by the codes in the table's variable order."""
    path = DATA / f"{table.upper()}.bulk.csv"
    if not path.is_file():
        return {}
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"
    ]
    header = lines[0].split(";")
    info = tableinfo(table) or {}
    order = [v["id"].upper() for v in info.get("variables", [])]
    cells: dict[tuple[str, ...], str] = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split(";"), strict=True))
        cells[tuple(row[name] for name in order)] = row["INDHOLD"]
    return cells


#: FOLK1E's origins as shares of a place's residents.
FOLK1E_SHARES = {"1": 0.84, "24": 0.03, "25": 0.07, "34": 0.005, "35": 0.03}


def place_size(area: str, time: str) -> int:
    """The number of residents of a made-up place, the same for every table and origin."""
    if area == "000":
        return 5_900_000
    place = hashlib.sha256(f"FOLK1E{area}{time}".encode()).digest()
    return 5_000 + int(int.from_bytes(place[:2], "big") / 65536 * 95_000)


def computed_value(table: str, codes: dict[str, str]) -> str:
    """A made-up cell as DST would print it (0 where a small place has no such persons)."""
    origin = codes.get("HERKOMST", "")
    area = codes.get("OMRÅDE", "")
    if table.upper() == "FOLK1E" and area in SMALL and origin == "34":
        return "0"
    digest = hashlib.sha256(json.dumps(codes, sort_keys=True).encode()).digest()
    unit = int.from_bytes(digest[:4], "big") / 2**32
    if table.upper() == "RAS200":
        year = int(codes.get("TID", "0")[:4] or 0)
        if (codes.get("ALDER"), year < 2020) == ("16-65", True) or (
            codes.get("ALDER") == "1666" and year < 2022
        ):
            return ".."  # the added bands start in 2020 and 2022
        base = {"10": 78, "20": 58, "24": 66, "25": 54, "30": 62, "34": 70, "35": 60}.get(
            origin, 75
        )
        if codes.get("BEREGNING") == "EFK":
            base += 4
        return f"{base + 10 * (unit - 0.5):.1f}".replace(".", ",")
    if table.upper() == "FOLK1E":
        size = place_size(area, codes.get("TID", ""))
        if codes.get("ALDER") != "IALT":  # one year of age: about an 80th of the group
            return str(int(size * FOLK1E_SHARES.get(origin, 0.01) * (0.5 + unit) / 80))
        if origin == "TOT":  # the total is the sum of its parts, as in DST's table
            return str(
                sum(int(computed_value(table, {**codes, "HERKOMST": o})) for o in FOLK1E_SHARES)
            )
        return str(int(size * FOLK1E_SHARES.get(origin, 0.01) * (0.9 + 0.2 * unit)))
    if table.upper() == "FOLK1C":  # one country of origin: a few per thousand residents
        if codes.get("IELAND") == "5100":
            return "0"  # immigrants and descendants have a country of origin abroad
        return str(int(place_size(area, codes.get("TID", "")) * 0.0015 * unit))
    return str(int(unit * 1000))


def cell(table: str, codes: dict[str, str]) -> str:
    """The cell the stand-in answers for these codes (upper-case variable ids), as DST prints
    it: the value the fixture names, else the computed one. A test computes figures by hand
    from these."""
    info = tableinfo(table) or {}
    order = tuple(codes[v["id"].upper()] for v in info.get("variables", []))
    named = named_cells(table).get(order)
    return named if named is not None else computed_value(table, codes)


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
        #: Send this many zero bytes gzip-compressed, with Content-Encoding: gzip (a bomb).
        self.gzip_bomb = 0
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
        if info is None:
            return 400, _error("EXTRACT-NOTFOUND", f"Tabel findes ikke: {table}"), "json"
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
        named = named_cells(table)
        rows = []
        for combination in itertools.product(*(chosen[c] for c in order)):
            value = named.get(combination)
            if value is None:
                value = computed_value(table, dict(zip(order, combination, strict=True)))
            if value.replace(",", "").strip("0") == "" and value != "..":
                continue  # BULK leaves out the cells whose value is 0
            rows.append(";".join((*combination, value)))
        random.Random(len(rows)).shuffle(rows)  # BULK promises no order
        header = ";".join([*order, "INDHOLD"])
        return 200, "\r\n".join([header, *rows]) + "\r\n", "text"

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
