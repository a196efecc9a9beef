"""A small client of Statistics Denmark's Statbank API: POST JSON, timeouts, retries, one-line errors.

``tableinfo`` and ``data`` are POSTed as JSON to ``{base}/tableinfo`` and
``{base}/data``, as DST recommends. The base is ``https://api.statbank.dk/v1``
unless ``KOMMUNEINTEGRATION_STATBANK_URL`` names another (a mirror, or a test
server). Connection errors and 5xx answers are retried a few times with
back-off; DST's own error answers ("REQUEST-LIMIT", an unknown table) and a
dead network become one :class:`StatbankError` line.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from kommuneintegration.i18n import _, format_number
from kommuneintegration.statbank.errors import AnswerError, NetworkError, StatbankError
from kommuneintegration.statbank.tables import PUBLIC_ADDRESS, Row, TableInfo

__all__ = ["URL_ENV", "StatbankClient", "StatbankError", "base_url", "public_url"]

URL_ENV: Final = "KOMMUNEINTEGRATION_STATBANK_URL"
#: The whole exchange (connect, every read, the body) must end within this many seconds.
DEADLINE: Final = 120.0
#: The most an answer's body may hold, as sent (compressed) and as read (inflated).
MAX_BODY: Final = 256 * 1024 * 1024
MAX_COMPRESSED: Final = 64 * 1024 * 1024


def public_url(url: str) -> str:
    """``url`` without its user name and password: what is stored, cited and printed."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl()


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
        #: The address as it may be shown: no credentials.
        self.public_base = public_url(self.base)
        self.timeout = timeout
        self.deadline = DEADLINE
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
                answer = self._send(url, body)
            except requests.RequestException as exc:
                last = _(
                    "cannot reach the Statbank at {address} ({error}); check the network"
                ).format(address=self.public_base, error=type(exc).__name__)
                continue
            if answer.status_code >= 500:
                last = _("the Statbank at {address} answered {status} to {endpoint}").format(
                    address=self.public_base, status=answer.status_code, endpoint=endpoint
                )
                continue
            try:
                text = self._body(answer)
            except _CutShortError as exc:  # the connection broke before the whole answer came
                last = _(
                    "the Statbank at {address} broke off its answer to {endpoint} after {size} "
                    "bytes; try again later"
                ).format(address=self.public_base, endpoint=endpoint, size=format_number(exc.size))
                continue
            if answer.status_code >= 400:
                raise StatbankError(_error_line(answer.status_code, text, body))
            return text
        raise NetworkError(last + " " + _("(after {n} tries)").format(n=self.retries + 1))

    def _send(self, url: str, body: Mapping[str, Any]) -> Any:
        """POST within the whole exchange's deadline, headers included.

        requests' timeout bounds each read, so a server that drips its status line and
        headers a byte at a time would hold the call for ever: the request runs on a
        helper thread that the deadline abandons (its connection closed), and the body
        is then read against the same clock.
        """
        import threading

        started = time.monotonic()
        outcome: dict[str, Any] = {}

        def exchange() -> None:
            try:
                outcome["answer"] = self._send_hops(url, body)
            except BaseException as exc:  # handed to the caller's thread
                outcome["error"] = exc

        worker = threading.Thread(target=exchange, name="statbank-request", daemon=True)
        worker.start()
        worker.join(self.deadline)
        if worker.is_alive():
            session, self._session = self._session, None
            with contextlib.suppress(Exception):
                session.close()
            raise self._late()
        if "error" in outcome:
            raise outcome["error"]
        answer = outcome["answer"]
        answer.started = started
        return answer

    def _late(self) -> StatbankError:
        return StatbankError(
            _(
                "the Statbank at {address} took more than {seconds} s to answer; try again later"
            ).format(address=self.public_base, seconds=format_number(self.deadline))
        )

    def _send_hops(self, url: str, body: Mapping[str, Any]) -> Any:
        """POST, following a redirect only to https on the same host (DST answers http:// with
        301 to https://, and a redirected POST would lose its body): the body is sent again."""
        from urllib.parse import urlsplit

        for _hop in range(4):
            answer = self._session.post(
                url, json=dict(body), timeout=self.timeout, allow_redirects=False, stream=True
            )
            if answer.status_code not in (301, 302, 303, 307, 308):
                return answer
            target = urlsplit(answer.headers.get("Location", ""))
            here = urlsplit(url)
            if target.scheme != "https" or (target.hostname or here.hostname) != here.hostname:
                raise StatbankError(
                    _(
                        "the Statbank at {address} redirected to another address ({target}); "
                        "set {variable} to the https address to use it"
                    ).format(
                        address=self.public_base,
                        target=f"{target.scheme or '?'}://{target.hostname or '?'}",
                        variable=URL_ENV,
                    )
                )
            url = target._replace(netloc=target.netloc or here.netloc).geturl()
        raise StatbankError(
            _("the Statbank at {address} redirected too many times").format(
                address=self.public_base
            )
        )

    def _body(self, answer: Any) -> str:
        """The answer's body as text, read within the deadline and the size caps.

        requests' timeout bounds each read, not the exchange: a server that sends a
        byte a second would hold the call for ever. The body is read in chunks
        against a clock, and inflated (gzip, deflate) with a cap, never at once.
        """
        data = self._read(answer)
        encoding = answer.headers.get("Content-Encoding", "").lower().strip()
        if encoding in ("gzip", "deflate", "x-gzip"):
            data = _inflated(data, encoding)
        elif len(data) > MAX_BODY:  # pragma: no cover - MAX_COMPRESSED is smaller
            raise StatbankError(_("the Statbank's answer is too large"))
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StatbankError(
                _("the Statbank's answer is not UTF-8 text ({error})").format(error=exc.reason)
            ) from None

    def _read(self, answer: Any) -> bytes:
        """The answer's bytes as sent, in chunks against the deadline, at most
        ``MAX_COMPRESSED`` of them; the answer is closed however the reading ends."""
        from http.client import HTTPException

        import urllib3

        started = getattr(answer, "started", time.monotonic())
        raw = answer.raw
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if time.monotonic() - started > self.deadline:
                    raise self._late()
                try:
                    chunk = raw.read1(65536, decode_content=False)
                except (OSError, HTTPException, urllib3.exceptions.HTTPError):
                    # urllib3's IncompleteRead or ProtocolError: fewer bytes than its
                    # Content-Length said, or the connection reset mid-answer.
                    raise _CutShortError(size) from None
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_COMPRESSED:
                    raise StatbankError(
                        _(
                            "the Statbank's answer is larger than {size} MiB: not read; ask for "
                            "fewer municipalities or years"
                        ).format(size=MAX_COMPRESSED // 2**20)
                    )
                chunks.append(chunk)
        finally:
            answer.close()
        return b"".join(chunks)

    def tableinfo(self, table: str) -> tuple[TableInfo, str]:
        """The table's description, and the raw answer (for the cache)."""
        text = self._post("tableinfo", {"table": table, "format": "JSON", "lang": "da"})
        return parse_tableinfo(text, table), text

    def data(self, table: str, variables: Mapping[str, Sequence[str]]) -> str:
        """The raw BULK answer (semicolon-separated, codes, one header line)."""
        return self._post("data", data_request(table, variables))


def _inflated(data: bytes, encoding: str) -> bytes:
    """A gzip or deflate body inflated to at most ``MAX_BODY`` bytes."""
    import zlib

    inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)
    try:
        data = inflate.decompress(data, MAX_BODY)
    except zlib.error as exc:
        raise StatbankError(
            _("the Statbank's answer is not valid {encoding} ({error})").format(
                encoding=encoding, error=exc
            )
        ) from None
    if inflate.unconsumed_tail:
        raise StatbankError(
            _("the Statbank's answer inflates to more than {size} MiB: not read").format(
                size=MAX_BODY // 2**20
            )
        )
    return data


class _CutShortError(NetworkError):
    """An answer whose connection broke before its end; ``_post`` asks again."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


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
    except (ValueError, AttributeError, RecursionError):
        code, message = "", _first_words(text)
    table = body.get("table", "?")
    hint = (
        "; " + _("ask for fewer cells (fewer municipalities or years), or use BULK")
        if code == "REQUEST-LIMIT"
        else ""
    )
    refused = _("the Statbank refused the request for {table} (HTTP {status}): {message}").format(
        table=table, status=f"{status} {code}".strip(), message=message
    )
    return (refused + hint).replace("  ", " ")


def _first_words(text: str) -> str:
    """The gist of an answer that is not DST's JSON: an HTML page's title, else its first line."""
    import re

    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
    if title:
        return _("an HTML page: {title}").format(title=" ".join(title.group(1).split())[:120])
    if re.search(r"<(!doctype|html)", text, re.I):
        return _("an HTML page")
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first[:200]


def parse_tableinfo(text: str, table: str = "?") -> TableInfo:
    """A ``tableinfo`` answer, checked: the table asked for, with its variables and codes."""
    try:
        data = json.loads(text)
        _check_shape(data)
        variables: dict[str, tuple[str, ...]] = {}
        labels: dict[str, dict[str, str]] = {}
        time = "Tid"
        for v in data.get("variables", ()):
            ident = str(v["id"])
            values = v.get("values", ())
            variables[ident] = tuple(str(value["id"]) for value in values)
            labels[ident] = {str(value["id"]): str(value.get("text", "")) for value in values}
            _unique_texts(table, ident, labels[ident])
            if v.get("time"):
                time = ident
        footnote = data.get("footnote") or {}
        documentation = data.get("documentation") or {}
        info = TableInfo(
            id=str(data.get("id", "")),
            text=str(data.get("text", "")),
            description=str(data.get("description", "")),
            unit=str(data.get("unit", "")),
            updated=str(data.get("updated", "")),
            suppressed=str(data.get("suppressedDataValue", "0") or "0"),
            documentation=str(documentation.get("url", "") or ""),
            footnote=str(footnote.get("text", "") or ""),
            footnote_mandatory=bool(footnote.get("mandatory", False)),
            variables=variables,
            labels=labels,
            time=time,
        )
    except RecursionError:
        raise StatbankError(
            _(
                "the Statbank's description of {table} is not as documented (nested too deeply "
                "to read)"
            ).format(table=table)
        ) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StatbankError(
            _("the Statbank's description of {table} is not as documented ({error})").format(
                table=table, error=exc
            )
        ) from None
    if table != "?" and info.id.upper() != table.upper():
        raise AnswerError(
            _("the Statbank described {other} when asked for {table}").format(
                other=info.id or "?", table=table
            )
        )
    if not info.variables:
        raise AnswerError(
            _("the Statbank's description of {table} names no variables").format(table=table)
        )
    return info


def _check_shape(data: Any) -> None:
    """A tableinfo answer as DST documents it: an object with an array of variable objects,
    each with an array of value objects; anything else is said as what it is (a TypeError
    that names the place, never "'list' object has no attribute 'get'")."""

    def want(value: Any, kind: type, where: str) -> None:
        if not isinstance(value, kind):
            raise TypeError(
                (
                    _("{where}: expected an object, got {got}")
                    if kind is dict
                    else _("{where}: expected an array, got {got}")
                ).format(where=where, got=_json_kind(value))
            )

    want(data, dict, _("the answer"))
    want(data.get("variables", []), list, "variables")
    for i, variable in enumerate(data.get("variables", [])):
        want(variable, dict, f"variables[{i}]")
        want(variable.get("values", []), list, f"variables[{i}].values")
        for j, value in enumerate(variable.get("values", [])):
            want(value, dict, f"variables[{i}].values[{j}]")
    for key in ("footnote", "documentation"):
        if data.get(key) is not None:
            want(data[key], dict, key)


def _json_kind(value: Any) -> str:
    """JSON's name for a parsed value's type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("a boolean")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("a string")
    return _("an array") if isinstance(value, list) else _("an object")


def _unique_texts(table: str, variable: str, texts: Mapping[str, str]) -> None:
    """Two values of one variable with the same text (a country twice in FOLK1C) would be
    counted twice wherever values are chosen by their text: refused, the text named."""
    seen: dict[str, str] = {}
    for code, text in texts.items():
        key = " ".join(text.split()).casefold()
        if key and key in seen:
            raise AnswerError(
                _(
                    "the Statbank's description of {table} gives two values of {variable} the "
                    "same text {text} ({first} and {second}); not used"
                ).format(
                    table=table, variable=variable, text=repr(text), first=seen[key], second=code
                )
            )
        seen[key] = code


def bulk_table(text: str, table: str = "") -> tuple[list[str], list[list[str]]]:
    """A BULK/CSV answer as (the variables' ids of its header, each row's codes and content).

    One header line naming the variables, INDHOLD last; every row as long as it.
    """
    what = table or "?"
    reader = csv.reader(
        io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";", quoting=csv.QUOTE_NONE
    )
    rows: list[list[str]] = []
    try:
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise AnswerError(
                _("the Statbank's answer for {table} is empty: not even a header line").format(
                    table=what
                )
            ) from None
        if not header or header[-1].upper() != "INDHOLD":
            raise AnswerError(
                _("the Statbank's answer for {table} has no INDHOLD column ({header})").format(
                    table=what, header=";".join(header)[:200]
                )
            )
        names = ["Tid" if h.upper() == "TID" else h for h in header[:-1]]
        width = len(header)
        for cells in reader:
            if not cells:
                continue
            if len(cells) != width:
                raise AnswerError(
                    _("row {row} of the answer for {table} has {n} cells, not {expected}").format(
                        row=len(rows) + 1, table=what, n=len(cells), expected=width
                    )
                )
            rows.append([c.strip() for c in cells[:-1]] + [cells[-1]])
    except csv.Error as exc:
        raise AnswerError(
            _("row {row} of the answer for {table} cannot be read ({why})").format(
                row=len(rows) + 1, table=what, why=exc
            )
        ) from None
    return names, rows


def parse_bulk(text: str, table: str = "") -> list[Row]:
    """A BULK/CSV answer as rows: one header line naming the variables, INDHOLD last."""
    names, rows = bulk_table(text, table)
    return [Row(dict(zip(names, r[:-1], strict=True)), r[-1]) for r in rows]
