"""A stand-in for the Statbank API on 127.0.0.1, serving the constructed files in data/statbank.

It answers ``POST /v1/tableinfo`` and ``POST /v1/data`` as DST documents them:
the data answer is the table's rows that match every requested variable ("*"
matches all), in BULK format, one header line, INDHOLD last. Tables it does
not have get DST's error shape (HTTP 400 with errorTypeCode and message);
``fail_next`` makes the next answers fail with 503, to test retries.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).parent / "data" / "statbank"


class StandIn:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict]] = []
        self.fail_next = 0
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

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _send(self, status: int, body: str, kind: str) -> None:
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                endpoint = self.path.rsplit("/", 1)[-1]
                stand_in.requests.append((endpoint, body))
                if stand_in.fail_next:
                    stand_in.fail_next -= 1
                    self._send(503, "Service Unavailable", "text/plain")
                    return
                table = str(body.get("table", ""))
                info = DATA / f"{table}.tableinfo.json"
                if not info.is_file():
                    error = {
                        "errorTypeCode": "EXTRACT-NOTFOUND",
                        "message": f"Tabellen {table} findes ikke",
                    }
                    self._send(400, json.dumps(error, ensure_ascii=False), "application/json")
                    return
                if endpoint == "tableinfo":
                    self._send(200, info.read_text(encoding="utf-8"), "application/json")
                    return
                cells = 1
                for v in body.get("variables", []):
                    cells *= len(v["values"])
                if cells > 1_000_000 and body.get("format") != "BULK":
                    error = {
                        "errorTypeCode": "REQUEST-LIMIT",
                        "message": "Forespørgslen er for stor",
                    }
                    self._send(413, json.dumps(error, ensure_ascii=False), "application/json")
                    return
                lines = [
                    line
                    for line in (DATA / f"{table}.bulk.csv")
                    .read_text(encoding="utf-8")
                    .splitlines()
                    if line and not line.startswith("#")
                ]
                header = lines[0].split(";")
                wanted = {v["code"].upper(): set(v["values"]) for v in body["variables"]}
                keep = [lines[0]]
                for line in lines[1:]:
                    cells = dict(zip(header, line.split(";"), strict=True))
                    if all(
                        "*" in values or cells.get(code, "") in values
                        for code, values in wanted.items()
                    ):
                        keep.append(line)
                self._send(200, "\n".join(keep) + "\n", "text/csv; charset=utf-8")

        return Handler
