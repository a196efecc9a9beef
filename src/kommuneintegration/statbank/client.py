"""A small client of Statistics Denmark's Statbank API: POST JSON, timeouts, retries, one-line errors.

``tableinfo`` and ``data`` are POSTed as JSON to ``{base}/tableinfo`` and
``{base}/data``, as DST recommends. The base is ``https://api.statbank.dk/v1``
unless ``KOMMUNEINTEGRATION_STATBANK_URL`` names another (a mirror, or a test
server). Connection errors and 5xx answers are retried a few times with
back-off; DST's own error answers ("REQUEST-LIMIT", an unknown table) and a
dead network become one :class:`StatbankError` line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from kommuneintegration.errors import KommuneintegrationError
from kommuneintegration.statbank.tables import PUBLIC_ADDRESS, Row, TableInfo

__all__ = ["URL_ENV", "StatbankClient", "StatbankError", "base_url"]

URL_ENV: Final = "KOMMUNEINTEGRATION_STATBANK_URL"


class StatbankError(KommuneintegrationError, RuntimeError):
    """The Statbank could not give an answer: DST's error, or no network. One line."""


def base_url() -> str:
    return os.environ.get(URL_ENV, "").strip().rstrip("/") or PUBLIC_ADDRESS


class StatbankClient:
    """POSTs to the Statbank with a timeout and retries; parses its answers."""

    def __init__(
        self,
        base: str | None = None,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base = (base or base_url()).rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self._session: Any = None

    def _post(self, endpoint: str, body: Mapping[str, Any]) -> str:
        import requests

        if self._session is None:
            self._session = requests.Session()
        url = f"{self.base}/{endpoint}"
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                answer = self._session.post(url, json=dict(body), timeout=self.timeout)
            except requests.RequestException as exc:
                last = f"cannot reach the Statbank at {self.base} ({type(exc).__name__}); check the network, or use --offline to work from the cache"
                continue
            if answer.status_code >= 500:
                last = f"the Statbank at {self.base} answered {answer.status_code} to {endpoint}"
                continue
            answer.encoding = "utf-8"
            if answer.status_code >= 400:
                raise StatbankError(_error_line(answer.status_code, answer.text, body))
            return str(answer.text)
        raise StatbankError(f"{last} (after {self.retries + 1} tries)")

    def tableinfo(self, table: str) -> tuple[TableInfo, str]:
        """The table's description, and the raw answer (for the cache)."""
        text = self._post("tableinfo", {"table": table, "format": "JSON", "lang": "da"})
        return parse_tableinfo(text, table), text

    def data(self, table: str, variables: Mapping[str, Sequence[str]]) -> str:
        """The raw BULK answer (semicolon-separated, codes, one header line)."""
        return self._post("data", data_request(table, variables))


def data_request(table: str, variables: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The JSON body of a data request; its canonical form is the cache's key."""
    return {
        "table": table,
        "format": "BULK",
        "lang": "da",
        "valuePresentation": "Code",
        "variables": [{"code": k, "values": list(v)} for k, v in variables.items()],
    }


def _error_line(status: int, text: str, body: Mapping[str, Any]) -> str:
    try:
        answer = json.loads(text)
        code, message = answer.get("errorTypeCode", ""), answer.get("message", "")
    except (ValueError, AttributeError):
        code, message = "", text.strip().splitlines()[0] if text.strip() else ""
    table = body.get("table", "?")
    hint = (
        "; ask for fewer cells (fewer municipalities or years), or use BULK"
        if code == "REQUEST-LIMIT"
        else ""
    )
    return f"the Statbank refused the request for {table} (HTTP {status} {code}): {message}{hint}".replace(
        "  ", " "
    )


def parse_tableinfo(text: str, table: str = "?") -> TableInfo:
    try:
        data = json.loads(text)
        variables = {
            v["id"]: tuple(str(value["id"]) for value in v.get("values", ()))
            for v in data.get("variables", ())
        }
        return TableInfo(
            id=str(data.get("id", table)),
            text=str(data.get("text", "")),
            unit=str(data.get("unit", "")),
            updated=str(data.get("updated", "")),
            variables=variables,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StatbankError(
            f"the Statbank's description of {table} is not as documented ({exc})"
        ) from None


def parse_bulk(text: str) -> list[Row]:
    """A BULK/CSV answer: one header line naming the variables, INDHOLD last."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return []
    if not header or header[-1].upper() != "INDHOLD":
        raise StatbankError(
            f"the Statbank's answer has no INDHOLD column (header: {';'.join(header)})"
        )
    names = ["Tid" if h.upper() == "TID" else h for h in header[:-1]]
    rows = []
    for cells in reader:
        if not cells:
            continue
        if len(cells) != len(header):
            raise StatbankError(
                f"a row of the Statbank's answer has {len(cells)} cells, not {len(header)}"
            )
        rows.append(Row(dict(zip(names, (c.strip() for c in cells[:-1]), strict=True)), cells[-1]))
    return rows
