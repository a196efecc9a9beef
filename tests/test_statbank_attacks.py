"""The Statbank and the cache under attack: a bad answer never replaces a good one.

Each case has a hostile stand-in answer or a damaged cache, and the same
property: the command gives one line that says what was wrong (or a warning),
the cache is as it was, and compare, evaluate and report still work.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from helpers import fetch_cities
from helpers import run_cli as run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statbank_server import StandIn

from kommuneintegration.cityfetch import stored as cached
from kommuneintegration.statbank.cache import Cache, CacheError
from kommuneintegration.statbank.client import StatbankClient, StatbankError, public_url

pytestmark = pytest.mark.installed_plugins


@pytest.fixture
def stand_in(monkeypatch, tmp_path):
    with StandIn() as server:
        monkeypatch.setenv("KOMMUNEINTEGRATION_STATBANK_URL", server.url)
        monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path / "cache"))
        yield server


def _registry():
    from kommuneintegration.plugins import get_host

    return get_host().registry()


def _stored(stand_in):
    origin = public_url(stand_in.url)
    return sorted((a.table, a.query, a.body) for a in Cache().answers(origin))


def _data(transform, header="OMRÅDE;HERKOMST;ALDER;KØN;BEREGNING;TID"):
    """A tamper hook that changes only the data answers of one table (RAS200's, by its
    header); ``header=""`` changes every data answer."""

    def tamper(endpoint, status, body, kind):
        if endpoint == "data" and body.startswith(header):
            return (status, transform(body), kind)
        return (status, body, kind)

    return tamper


def _first_row(body: str) -> list[str]:
    return body.split("\r\n")[1].split(";")


HOSTILE = {
    "truncated mid-row": lambda body: body[: body.index("\r\n", 200) + 5],
    "a cell repeated with another value": lambda body: (
        body + ";".join([*_first_row(body)[:-1], "1,0"]) + "\r\n"
    ),
    "another area's figures": lambda body: body.replace("\r\n851;", "\r\n101;"),
    "no ALDER column": lambda body: "\r\n".join(
        ";".join(c for i, c in enumerate(line.split(";")) if i != 2) for line in body.split("\r\n")
    ),
    "a thousands point": lambda body: body.replace(
        ";".join(_first_row(body)), ";".join([*_first_row(body)[:-1], "12.000"]), 1
    ),
    "a rate over 100 %": lambda body: body.replace(
        ";".join(_first_row(body)), ";".join([*_first_row(body)[:-1], "612,0"]), 1
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_answer_is_refused_and_replaces_nothing(stand_in, case):
    assert run("fetch", "-m", "851")[0] == 0
    before = _stored(stand_in)
    stand_in.tamper = _data(HOSTILE[case])
    code, out, err = run("fetch", "-m", "851", "--refresh")
    # RAS200 is refused, named with its reason on one line; every other table is fetched
    assert code == 3, (case, err)
    (line,) = [line for line in out.splitlines() if line.strip().startswith("RAS200 not fetched")]
    assert "without its figures" in line
    assert _stored(stand_in) == before  # a refresh that failed replaces nothing
    assert cached(_registry()).observations["851"]  # the good figures are still used


def test_when_every_table_is_refused_nothing_is_fetched_and_fetch_fails_in_one_line(stand_in):
    assert run("fetch", "-m", "851")[0] == 0
    before = _stored(stand_in)
    stand_in.tamper = _data(HOSTILE["truncated mid-row"], header="")
    code, _out, err = run("fetch", "-m", "851", "--refresh")
    assert code == 1
    assert err.count("\n") == 1, err
    assert _stored(stand_in) == before
    assert cached(_registry()).observations["851"]  # the good figures are still used


def test_a_folk1e_total_smaller_than_its_parts_is_refused_with_the_cell(stand_in):
    def shrink(body: str) -> str:
        lines = body.split("\r\n")
        out = []
        for line in lines:
            cells = line.split(";")
            if len(cells) == 6 and cells[3] == "TOT" and cells[0] == "851":
                cells[-1] = "10"
            out.append(";".join(cells))
        return "\r\n".join(out)

    def tamper(endpoint, status, body, kind):
        table = "FOLK1E" if body.startswith("OMRÅDE;KØN") else ""
        return (status, shrink(body) if table else body, kind)

    stand_in.tamper = tamper
    code, out, err = run("fetch", "-m", "851")
    assert code == 3, err  # FOLK1E refused, the other tables fetched
    assert "FOLK1E, OMRÅDE=851" in out
    assert "smaller than the sum of its parts" in out
    assert [a for a in _stored(stand_in) if a[0] == "FOLK1E"] == []  # none of FOLK1E stored
    assert {a[0] for a in _stored(stand_in)} >= {"RAS200", "RAS201"}
    code, _out, _err = run("compare", "-m", "851")
    assert code == 0


def test_terminal_controls_from_the_network_are_shown_escaped(stand_in, monkeypatch):
    import statbank_server

    real = statbank_server.tableinfo

    def hostile(table):
        data = real(table)
        if data is not None:
            data["updated"] = "2025-11-27\x1b]0;owned\x07\x1b[2J"
        return data

    monkeypatch.setattr(statbank_server, "tableinfo", hostile)
    code, out, err = run("fetch", "-m", "851")
    assert code == 0, err
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\\x1b" in out or "\\u001b" in out or "^[" in out
    code, out, _ = run("fetch", "-m", "851", "--offline")  # and replayed from the cache
    assert "\x1b" not in out


def test_a_slow_server_is_cut_off_by_the_deadline(stand_in):
    stand_in.drip = 0.02
    client = StatbankClient(stand_in.url, retries=0)
    client.deadline = 0.5
    client.tableinfo("RAS200")  # tableinfo is not dripped
    body = {
        "table": "RAS200",
        "format": "BULK",
        "variables": [
            {"code": v, "values": ["*"]}
            for v in ("OMRÅDE", "HERKOMST", "ALDER", "KØN", "BEREGNING", "Tid")
        ],
    }
    with pytest.raises(StatbankError, match=r"took more than 0\.5 s to answer"):
        client._post("data", body)


def test_a_gzip_bomb_is_not_inflated(stand_in, monkeypatch):
    monkeypatch.setattr("kommuneintegration.statbank.client.MAX_BODY", 1_000_000)
    stand_in.gzip_bomb = 5_000_000
    code, _out, err = run("fetch", "-m", "851")
    assert code == 1
    assert "inflates to more than" in err


def test_credentials_never_leave_the_url_they_were_given_in(stand_in, monkeypatch, tmp_path):
    host_port = stand_in.url.removeprefix("http://")
    monkeypatch.setenv("KOMMUNEINTEGRATION_STATBANK_URL", f"http://user:s3cret@{host_port}")
    code, out, err = run("fetch", "-m", "851")
    assert code == 0, err
    page = tmp_path / "r.html"
    assert run("report", "-m", "851", "--out", str(page))[0] == 0
    text = (
        page.read_text(encoding="utf-8") + out + err + run("compare", "-m", "851", "-f", "json")[1]
    )
    assert "s3cret" not in text
    assert host_port in text  # cited from where it came
    conn = sqlite3.connect(Cache().path)
    assert "s3cret" not in json.dumps(conn.execute("SELECT origin FROM answer").fetchall())
    conn.close()
    monkeypatch.setenv("KOMMUNEINTEGRATION_STATBANK_URL", "http://user:s3cret@127.0.0.1:9/v1")
    code, _out, err = run("fetch", "-m", "851")
    assert code == 1
    assert "s3cret" not in err


def test_another_origins_answers_are_not_used_as_this_ones(stand_in, monkeypatch):
    assert run("fetch", "-m", "851")[0] == 0
    assert cached(_registry()).observations["851"]
    monkeypatch.setenv("KOMMUNEINTEGRATION_STATBANK_URL", "https://api.statbank.dk/v1")
    assert cached(_registry()).empty  # the stand-in's figures are not DST's


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "foreign schema", "other version"],
)
def test_a_damaged_cache_is_named_and_the_commands_go_on_without_it(stand_in, damage, tmp_path):
    assert run("fetch", "-m", "851")[0] == 0
    path = Cache().path
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:1500])
    elif damage == "foreign schema":
        path.unlink()
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE answer (table_id TEXT, query TEXT)")
        conn.commit()
        conn.close()
    else:
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version = 99")
        conn.commit()
        conn.close()
    for command in (["compare", "-m", "851"], ["evaluate", "-m", "851"]):
        code, _out, err = run(*command)
        assert code == 0, (damage, err)
        assert str(path) in err
        assert "--no-statbank" in err
    page = tmp_path / "r.html"
    assert run("report", "-m", "851", "--out", str(page))[0] == 0
    code, _out, err = run("fetch", "-m", "851")
    assert code == 1
    assert str(path) in err
    code, out, err = run("fetch", "-m", "851", "--refresh")
    assert code == 0, err
    assert "set aside" in out
    assert cached(_registry()).observations["851"]
    assert list(path.parent.glob("statbank.sqlite.unreadable-*"))


def test_a_damaged_answer_in_a_sound_cache_is_set_aside_with_a_warning(stand_in):
    assert run("fetch", "-m", "851")[0] == 0
    conn = sqlite3.connect(Cache().path)
    conn.execute("UPDATE answer SET body = 'OMRÅDE;INDHOLD\r\nx;y\r\n' WHERE indicator = 'panel'")
    conn.commit()
    conn.close()
    code, _out, err = run("compare", "-m", "851")
    assert code == 0
    assert "left out" in err
    assert "fetch --refresh" in err


# --- a fuzzer: random answers never corrupt the cache nor end in a traceback --------------------

_cells = st.text(alphabet="0123456789,.;-\r\n x", max_size=12)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    mode=st.sampled_from(["replace", "append", "header"]),
    junk=st.lists(_cells, max_size=30),
)
def test_random_answers_never_corrupt_the_cache(stand_in, mode, junk):
    registry = _registry()
    cache = Cache()
    client = StatbankClient(stand_in.url, retries=0)
    stand_in.tamper = None
    fetch_cities(registry, ["851"], cache=cache, client=client)
    before = _stored(stand_in)
    text = ";".join(junk)

    def hostile(body: str) -> str:
        if mode == "replace":
            return text
        if mode == "header":
            return body.split("\r\n", 1)[0] + "\r\n" + text
        return body + text

    stand_in.tamper = _data(hostile)
    failure = ""
    try:
        fetch_cities(registry, ["851"], cache=cache, client=client, refresh=True)
    except StatbankError as exc:  # a junk answer that reads back as checked may be stored
        failure = str(exc)
    assert "\n" not in failure
    stand_in.tamper = None
    after = _stored(stand_in)
    assert len(after) == len(before)  # nothing lost: every request still has an answer
    cache.check()
    assert cached(registry, cache=cache).observations["851"]


def test_the_cache_check_sees_a_damaged_file(tmp_path):
    cache = Cache(tmp_path)
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    cache.path.write_bytes(b"garbage" * 50)
    with pytest.raises(CacheError, match="cannot be read"):
        cache.check()


# --- issue 35 -----------------------------------------------------------------------------------


def test_a_server_that_drips_its_headers_is_cut_off_by_the_same_deadline():
    import socket
    import threading
    import time

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip():
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            head = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10_000
            for i in range(len(head)):
                if stop.is_set():
                    return
                try:
                    connection.sendall(head[i : i + 1])
                except OSError:
                    return
                time.sleep(0.02)  # each read is quick: only the whole exchange is slow

    threading.Thread(target=drip, daemon=True).start()
    client = StatbankClient(f"http://127.0.0.1:{listener.getsockname()[1]}/v1", retries=0)
    client.deadline = 0.5
    started = time.monotonic()
    try:
        with pytest.raises(StatbankError, match=r"took more than 0\.5 s to answer"):
            client.tableinfo("RAS200")
    finally:
        stop.set()
        listener.close()
    assert time.monotonic() - started < 5


def test_a_value_text_given_twice_in_a_variable_is_refused_with_the_text(stand_in):
    def twice(endpoint, status, body, kind):
        if endpoint != "tableinfo":
            return status, body, kind
        info = json.loads(body)
        for variable in info["variables"]:
            values = variable["values"]
            if len(values) > 2 and not variable.get("time"):
                values[2]["text"] = " " + values[1]["text"].upper()  # the same text, disguised
                break
        return status, json.dumps(info, ensure_ascii=False), kind

    stand_in.tamper = twice
    code, _out, err = run("fetch", "-m", "851")
    assert code == 1
    assert "same text" in err
    assert err.count("\n") == 1
    assert _stored(stand_in) == []  # nothing of it stored


def test_a_locked_cache_is_said_to_be_locked_and_never_renamed_or_replaced(stand_in, tmp_path):
    code, _out, err = run("fetch", "-m", "851")
    assert code == 0, err
    cache = Cache()
    before = _stored(stand_in)
    holder = sqlite3.connect(cache.path)
    holder.execute("BEGIN EXCLUSIVE")  # another program is writing to it
    try:
        code, _out, err = run("fetch", "-m", "851", "--refresh")
    finally:
        holder.rollback()
        holder.close()
    assert code == 1
    assert "is locked" in err
    assert "unreadable" not in err
    assert err.count("\n") == 1
    assert [p.name for p in cache.folder.iterdir() if "unreadable" in p.name] == []
    assert _stored(stand_in) == before  # the same file, whole


def test_a_cache_folder_that_cannot_be_written_is_said_as_such(stand_in, tmp_path, monkeypatch):
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(folder / "cache"))
    try:
        code, _out, err = run("fetch", "-m", "851")
    finally:
        folder.chmod(0o755)
    assert code == 1
    assert "read-only" in err
    assert "KOMMUNEINTEGRATION_CACHE_DIR" in err


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (sqlite3.OperationalError("database is locked"), "locked"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
        (sqlite3.OperationalError("database or disk is full"), "full"),
        (OSError(28, "No space left on device"), "full"),
        (sqlite3.DatabaseError("file is not a database"), "damaged"),
    ],
)
def test_cache_errors_are_said_as_what_they_are(error, kind, tmp_path):
    from kommuneintegration.statbank.cache import _kind

    assert _kind(error) == kind
    message = str(CacheError(tmp_path / "statbank.sqlite", str(error), kind))
    assert ("fetch --refresh writes it anew" in message) == (kind == "damaged")


# --- issue 35, class 2: a refresh never makes the cache worse -----------------------------------


def _first_half(body: str) -> str:
    """The first half of an answer's rows, cut at a line boundary: BULK's left-out zeros."""
    lines = body.split("\r\n")
    rows = [line for line in lines[1:] if line]
    return "\r\n".join([lines[0], *rows[: len(rows) // 2]]) + "\r\n"


def _all_blank(body: str) -> str:
    lines = body.split("\r\n")
    return (
        "\r\n".join(
            [lines[0], *(";".join([*line.split(";")[:-1], ".."]) for line in lines[1:] if line)]
        )
        + "\r\n"
    )


def _panel(stand_in):
    """The panel's figures of Aalborg and the country as compare reads them from the cache."""
    found = cached(_registry())
    return {
        code: sorted((o.table, o.group, o.year, o.value) for o in points)
        for code, points in found.panel.items()
    }


@pytest.mark.parametrize(
    ("case", "words"),
    [
        (_first_half, "would become zero"),
        (_all_blank, "would become zero or '..'"),
    ],
    ids=["half of the rows", "every cell '..'"],
)
def test_a_refresh_that_would_make_figures_worse_is_kept_apart_and_said(stand_in, case, words):
    assert run("fetch", "-m", "851")[0] == 0
    before = _stored(stand_in)
    figures = _panel(stand_in)
    assert figures["851"]
    stand_in.tamper = _data(case, header="")  # every table's data answers
    code, out, err = run("fetch", "-m", "851", "--refresh")
    assert code == 3, err  # not a silent success
    kept = [line for line in out.splitlines() if "kept apart, not stored" in line]
    assert kept, out
    assert any(words in line for line in kept), kept
    assert any("RAS200" in line for line in kept)
    assert _stored(stand_in) == before  # nothing replaced
    assert _panel(stand_in) == figures  # compare reads the same figures as before


def test_a_refresh_that_renames_a_total_and_answers_nothing_stores_neither(stand_in):
    assert run("fetch", "-m", "851")[0] == 0
    origin = public_url(stand_in.url)
    info_before = Cache().tableinfo("RAS200", origin)
    everyone = _panel(stand_in)["851"]
    assert [f for f in everyone if f[:2] == ("RAS200", "all")]

    def renamed(endpoint, status, body, kind):
        if endpoint == "tableinfo" and '"RAS200"' in body:
            return status, body.replace('"I alt"', '"Alle"'), kind
        if endpoint == "data" and body.startswith("OMRÅDE;HERKOMST;ALDER;KØN;BEREGNING;TID"):
            return status, body.split("\r\n", 1)[0] + "\r\n", kind
        return status, body, kind

    stand_in.tamper = renamed
    code, out, err = run("fetch", "-m", "851", "--refresh")
    assert code == 3, err
    (line,) = [line for line in out.splitlines() if line.strip().startswith("RAS200: the new")]
    assert "would be missing" in line
    assert Cache().tableinfo("RAS200", origin) == info_before  # the description with its data
    assert _panel(stand_in)["851"] == everyone  # every all-residents row still there


def test_a_refresh_with_the_same_figures_is_stored(stand_in):
    assert run("fetch", "-m", "851")[0] == 0
    conn = sqlite3.connect(Cache().path)
    first = conn.execute("SELECT max(fetched) FROM answer").fetchone()[0]
    conn.close()
    code, out, err = run("fetch", "-m", "851", "--refresh")
    assert code == 0, err
    assert "kept apart" not in out
    conn = sqlite3.connect(Cache().path)
    assert conn.execute("SELECT min(fetched) FROM answer").fetchone()[0] > first
    conn.close()


def test_the_reason_a_refresh_is_kept_apart_is_said_in_danish(stand_in):
    assert run("fetch", "-m", "851")[0] == 0
    stand_in.tamper = _data(_all_blank)
    code, out, _err = run("--lang", "da", "fetch", "-m", "851", "--refresh")
    assert code == 3
    (line,) = [line for line in out.splitlines() if "RAS200: de nye svar er holdt til side" in line]
    assert "ville blive til nul eller '..'" in line
    assert "bruges stadig" in line


# --- issue 35, class 3: one reader, the same checks for compare and the barometer --------------


def _edit_first(table: str, change) -> None:
    """Edit by hand the first stored answer of ``table`` (its body only; the numbers stored
    beside it are left as they were, so their digest no longer matches)."""
    conn = sqlite3.connect(Cache().path)
    query, body = conn.execute(
        "SELECT query, body FROM answer WHERE table_id = ? AND indicator = 'panel'", (table,)
    ).fetchone()
    conn.execute(
        "UPDATE answer SET body = ? WHERE table_id = ? AND query = ? AND indicator = 'panel'",
        (change(body), table, query),
    )
    conn.commit()
    conn.close()


def _set_cell(body: str, match, value: str) -> str:
    lines = body.split("\r\n")
    for i, line in enumerate(lines[1:], 1):
        cells = line.split(";")
        if line and match(cells):
            lines[i] = ";".join([*cells[:-1], value])
            break
    return "\r\n".join(lines)


HAND_EDITS = {
    "a rate of 150": ("RAS200", lambda b: _set_cell(b, lambda c: c[0] == "851", "150,0"), "150"),
    "a total smaller than its parts": (
        "FOLK1E",
        lambda b: _set_cell(b, lambda c: c[0] == "851" and c[3] == "TOT", "10"),
        None,
    ),
    "a truncated row": ("RAS200", lambda b: b[: b.rindex(";")], None),
}


@pytest.mark.parametrize("case", sorted(HAND_EDITS))
def test_a_stored_answer_edited_by_hand_is_set_aside_by_every_reader(stand_in, case):
    from kommuneintegration.statbank.cells import read_cells

    assert run("fetch", "-m", "851")[0] == 0
    origin = public_url(stand_in.url)
    table, edit, shown = HAND_EDITS[case]
    assert cached(_registry()).set_aside == 0
    _cells, aside = read_cells(Cache(), origin, [table])
    assert aside == 0
    _edit_first(table, edit)
    found = cached(_registry())
    assert found.set_aside == 1, case  # compare's reader
    assert all(o.table != table or o.value < 100 or o.unit != "percent" for o in found.panel["851"])
    cells, aside = read_cells(Cache(), origin, [table])
    assert aside == 1, case  # the barometer's reader
    if shown is not None:
        assert all(150.0 not in block.values for block in cells[table].blocks)
    code, _out, err = run("compare", "-m", "851")
    assert code == 0
    assert "left out" in err


# --- issue 35, class 7: internal messages made one clear line ------------------------------------

_INTERNAL = (
    "IncompleteRead",
    "ProtocolError",
    "Errno",
    "Connection broken",
    "maximum recursion",
    "object has no attribute",
    "Error",
)


def _one_clear_line(err: str, *names: str) -> None:
    assert err.count("\n") == 1, err
    for name in names:
        assert name in err, (name, err)
    for word in _INTERNAL:
        assert word not in err, (word, err)


@pytest.mark.parametrize("lang", ["en", "da"])
def test_an_answer_cut_short_is_asked_again_then_said_in_one_line(stand_in, lang):
    assert run("fetch", "-m", "851")[0] == 0
    before = _stored(stand_in)
    stand_in.cut_short = 1_000  # every data answer broken off half-way
    code, _out, err = run("--lang", lang, "fetch", "-m", "851", "--refresh")
    assert code == 1
    _one_clear_line(err, "127.0.0.1")
    assert ("broke off" in err) == (lang == "en")
    assert ("afbrød" in err) == (lang == "da")
    assert _stored(stand_in) == before  # the good cache kept


def test_an_answer_cut_short_once_is_asked_again_and_stored_whole(stand_in):
    stand_in.cut_short = 1
    code, _out, err = run("fetch", "-m", "851")
    assert code == 0, err
    assert stand_in.cut_short == 0
    assert cached(_registry()).observations["851"]


@pytest.mark.parametrize(
    ("answer", "where"),
    [
        ("[]", "expected an object"),
        ('{"id": "RAS200", "variables": {"OMRÅDE": []}}', "variables"),
        ('{"id": "RAS200", "variables": [["OMRÅDE"]]}', "variables[0]"),
        ('{"id": "RAS200", "footnote": ["x"], "variables": []}', "footnote"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_a_tableinfo_of_the_wrong_shape_or_nested_too_deep_is_one_line(stand_in, answer, where):
    def tamper(endpoint, status, body, kind):
        return (status, answer, kind) if endpoint == "tableinfo" else (status, body, kind)

    stand_in.tamper = tamper
    code, _out, err = run("--lang", "en", "fetch", "-m", "851")
    assert code == 1
    _one_clear_line(err, where)
    assert _stored(stand_in) == []
