"""The ``kommuneintegration`` command: a thin layer over the public API.

Every subcommand parses its arguments, calls one library function and prints
what a renderer returns. Errors are one line on stderr and a non-zero exit;
``--debug`` shows the traceback instead.

The parser is built before the library is imported, and each command imports
what it uses inside its function: ``kommuneintegration --help`` loads neither
pint, numpy, pycountry nor any plugin.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple, Protocol, TextIO

from kommuneintegration import __version__
from kommuneintegration.contain import watch_interrupts
from kommuneintegration.errors import InputError, KommuneintegrationError
from kommuneintegration.i18n import N_, _, format_number, gettext, ngettext, pick
from kommuneintegration.limits import (
    DEFAULT_CHUNK_ROWS,
    MAX_CHUNK_ROWS,
    MAX_OBSERVATIONS_BYTES,
    MAX_ROWS,
)
from kommuneintegration.words import escape_controls

if TYPE_CHECKING:
    from pathlib import Path

    from kommuneintegration.plugins import PluginHost, Registry

__all__ = ["build_parser", "commands", "main"]

Handler = Callable[[argparse.Namespace, Callable[[], "PluginHost"], TextIO], int]


class CommandError(KommuneintegrationError):
    """A user error the command reports in one line."""


def _chunk_rows(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected a whole number, not {value}").format(value=repr(text))
        ) from None
    if not 1 <= value <= MAX_CHUNK_ROWS:
        raise argparse.ArgumentTypeError(
            _("must be between 1 and {most}, not {value}").format(
                most=format_number(MAX_CHUNK_ROWS), value=format_number(value)
            )
        )
    return value


def _plugins(args: argparse.Namespace, hosts: Callable[[], PluginHost], out: TextIO) -> int:
    host = hosts()
    infos = host.plugins(defaults=args.all)
    _emit(args, "plugins", infos, out)
    return 1 if args.strict and any(i.errors for i in infos) else 0


def _warn(message: str) -> None:
    """A warning on stderr, with any terminal control characters shown escaped."""
    print(
        "kommuneintegration: " + _("warning: {message}").format(message=escape_controls(message)),
        file=sys.stderr,
    )


def _warn_set_aside(n: int) -> None:
    """Cached answers that no longer read back as checked: left out, and how to get them."""
    _warn(
        _(
            "{n} stored Statbank answers do not read back as checked and are left out; "
            "kommuneintegration fetch --refresh asks for them again"
        ).format(n=n)
    )


def _place(text: str) -> str:
    """A municipality as typed: full-width letters and digits read as the plain ones and
    spaces around or doubled dropped, and said so on stderr; nothing else is changed."""
    import unicodedata

    plain = " ".join(unicodedata.normalize("NFKC", text).split())
    if not plain:
        raise argparse.ArgumentTypeError(_("an empty municipality name"))
    if plain != text:
        _note(
            _("the municipality {given} is read as {plain}").format(
                given=repr(text), plain=repr(plain)
            )
        )
    return plain


def _year(text: str) -> int:
    """The barometer's baseline year (--since): a year for which there can be figures, or
    why not (fetch's --since after the latest period is its own "nothing to fetch")."""
    import datetime

    try:
        year = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(_("{value!r} is not a year").format(value=text)) from None
    now = datetime.date.today().year
    if year > now:
        raise argparse.ArgumentTypeError(
            _(
                "{year} is after this year ({now}): no figures are from then, so there would "
                "be no baseline"
            ).format(year=year, now=now)
        )
    if year < 1900:
        raise argparse.ArgumentTypeError(
            _("{year} is before any figure the library reads (1900 on)").format(year=year)
        )
    return year


def _note(message: str) -> None:
    """A note on stderr: what the output leaves out, and how to get it."""
    print(
        "kommuneintegration: " + _("note: {message}").format(message=escape_controls(message)),
        file=sys.stderr,
    )


def _new_plugin(args: argparse.Namespace, hosts: Callable[[], PluginHost], out: TextIO) -> int:
    from kommuneintegration.plugins.scaffold import new_plugin

    path = new_plugin(args.name, args.code, args.dir, args.municipality)
    out.write(
        _("Wrote {path}").format(path=path)
        + "\n"
        + _("Next: {commands}").format(
            commands=f'pip install -e "{path}[test]" && python -m pytest {path} '
            "&& kommuneintegration plugins"
        )
        + "\n"
    )
    return 0


def _translations(args: argparse.Namespace, hosts: Callable[[], PluginHost], out: TextIO) -> int:
    from kommuneintegration.plugins.scaffold import SameLanguageError, write_translations

    before = _translations_file(args.plugin, args.into)
    try:
        path, texts, missing = write_translations(args.plugin, args.into)
    except SameLanguageError as exc:
        _note(str(exc))
        return 0
    message = (
        _("{path} is unchanged: {texts} texts, {missing} without a translation")
        if before is not None and path.is_file() and path.read_bytes() == before
        else _("Wrote {path}: {texts} texts, {missing} without a translation")
    )
    out.write(message.format(path=path, texts=texts, missing=missing) + "\n")
    return 0


def _translations_file(plugin: str, lang: str) -> bytes | None:
    """The plugin's catalogue as it is before ``translations`` writes it (None: none yet)."""
    from kommuneintegration.errors import KommuneintegrationError
    from kommuneintegration.i18n import resolve_language
    from kommuneintegration.plugins.scaffold import plugin_data_folder

    try:
        target = plugin_data_folder(plugin) / "locale" / f"{resolve_language(lang)}.po"
        return target.read_bytes() if target.is_file() else None
    except (OSError, KommuneintegrationError, ValueError):
        return None  # write_translations says what is wrong


def _load_observations(args: argparse.Namespace, host: PluginHost) -> dict[str, Any] | None:
    """Read --observations, warn about each rejected row on stderr, remember if any was."""
    if not getattr(args, "observations", None):
        return None
    from kommuneintegration.analysis.observations_csv import read_observations
    from kommuneintegration.safefile import input_path

    input_path(args.observations, "--observations", max_bytes=MAX_OBSERVATIONS_BYTES)
    loaded = read_observations(args.observations, host.registry())
    for error in loaded.errors:
        _warn(_("rejected {error}").format(error=error))
    print(
        "kommuneintegration: "
        + _("read {accepted} of {rows} observation rows from {file}").format(
            accepted=loaded.accepted, rows=loaded.rows, file=args.observations
        ),
        file=sys.stderr,
    )
    args.rejected_rows = len(loaded.errors)
    return dict(loaded.observations)


def _compare(args: argparse.Namespace, hosts: Callable[[], PluginHost], out: TextIO) -> int:
    from kommuneintegration.analysis.comparison import compare

    view = _text_view(args)  # a wrong --section or --full before the work
    host, registry = _registry(hosts)
    if not registry.municipalities:
        if registry.problems:
            raise CommandError(
                ngettext(
                    "no municipality plugin was loaded: {n} plugin was left out for its "
                    "problems (above); kommuneintegration plugins lists them",
                    "no municipality plugin was loaded: {n} plugins were left out for their "
                    "problems (above); kommuneintegration plugins lists them",
                    len({p.plugin for p in registry.problems}),
                ).format(n=len({p.plugin for p in registry.problems}))
            )
        raise CommandError(
            _("no municipality plugins are installed; see README.md for the install command")
        )
    result = compare(
        registry,
        municipalities=args.municipality,
        themes=args.theme,
        extra_observations=_load_observations(args, host),
        fetched=_cached(args, registry),
        barometer_inputs=_barometer_inputs(registry, args),
    )
    _emit(args, "comparison", result, out, view)
    return 1 if getattr(args, "rejected_rows", 0) else 0


def _evaluate(args: argparse.Namespace, hosts: Callable[[], PluginHost], out: TextIO) -> int:
    from kommuneintegration.analysis.evaluation import assessed, evaluate_all, merge_observations

    host, registry = _registry(hosts)
    codes = (
        [registry.municipality(m).code for m in args.municipality] if args.municipality else None
    )
    fetched = _cached(args, registry)
    extra = merge_observations(
        _load_observations(args, host), fetched.observations if fetched is not None else None
    )
    rows = evaluate_all(registry, extra, as_of=args.as_of, municipalities=codes)
    _emit(args, "evaluations", assessed(rows), out)
    return 1 if getattr(args, "rejected_rows", 0) else 0


def _show(args: argparse.Namespace, hosts: Callable[[], PluginHost], out: TextIO) -> int:
    from kommuneintegration.analysis.comparison import documents
    from kommuneintegration.render.text import strategies_to_text

    _host, registry = _registry(hosts)
    municipality = registry.municipality(args.municipality)
    out.write(strategies_to_text(municipality, documents(registry, [municipality.code])))
    return 0


def _report(args: argparse.Namespace, hosts: Callable[[], PluginHost], out: TextIO) -> int:
    from kommuneintegration.analysis.comparison import compare

    site = args.all and args.out is not None and _is_folder(args.out)
    if args.out is not None and args.out != "-" and not site and not _to_stdout(args.out):
        _check_outputs(args, {"--out": args.out})
    host, registry = _registry(hosts)
    if args.all:
        from kommuneintegration.barometer import barometer

        overview = barometer(
            None, inputs=_barometer_inputs(registry), highlight=args.municipality or ()
        )
        if site:
            return _site(args, registry, overview, out)
        _emit(args, "overview", overview, out)
        return 0
    own = _own_page(args, host, registry) if len(args.municipality or ()) == 1 else None
    if own is not None:
        _emit(args, "municipality", own, out)
        return 1 if getattr(args, "rejected_rows", 0) else 0
    result = compare(
        registry,
        municipalities=args.municipality,
        extra_observations=_load_observations(args, host),
        fetched=_cached(args, registry),
        barometer_inputs=_barometer_inputs(registry, args),
    )
    _emit(args, "report", result, out)
    return 1 if getattr(args, "rejected_rows", 0) else 0


def _own_page(args: argparse.Namespace, host: PluginHost, registry: Registry) -> Any:
    """``report -m CODE``: the municipality's own page, for any of the 98, plugin or not; a
    plugin city's page has its strategy, targets and evaluation too. None for the whole
    country or a plugin's municipality that is none of the 98: the comparison report then."""
    from kommuneintegration.analysis.comparison import compare
    from kommuneintegration.barometer import barometer, find_municipality
    from kommuneintegration.errors import UnknownMunicipalityError
    from kommuneintegration.i18n import language
    from kommuneintegration.municipalities import official_municipalities
    from kommuneintegration.render.municipality import MunicipalityPage

    (asked,) = args.municipality
    try:
        code = registry.municipality(asked).code
        plugin = True
    except (KeyError, UnknownMunicipalityError):
        code, plugin = find_municipality(asked), False
    official = official_municipalities()
    if code not in official:
        return None
    inputs = _barometer_inputs(registry, args) if plugin else _barometer_inputs(registry)
    result = barometer([code], inputs=inputs) if inputs is not None else None
    comparison = (
        compare(
            registry,
            municipalities=[code],
            extra_observations=_load_observations(args, host),
            fetched=_cached(args, registry),
            barometer_inputs=inputs,
        )
        if plugin
        else None
    )
    return MunicipalityPage(code, official[code].name, result, comparison, language())


def _is_folder(path: str) -> bool:
    """--out DIR/ (or a folder that is there): a static site, not one page."""
    import os

    return path.endswith(("/", os.sep)) or os.path.isdir(path)


def _site(args: argparse.Namespace, registry: Registry, overview: Any, out: TextIO) -> int:
    """``report --all --out DIR/``: the overview (index.html) and the 98 municipalities' own
    pages (k461.html), linked both ways, one static site a kommune can publish as it is.

    Every page is rendered before anything is written; then they are written into a new
    folder beside DIR and moved into it, each file whole (a reader never sees half a page),
    and nothing is written over an input (the cache, a plugin's folder)."""
    from pathlib import Path

    folder = Path(args.out)
    pages = _site_pages(args, registry, overview)
    _write_site(args, folder, pages)
    out.write(
        _("Wrote {path}: the overview and {n} municipalities' pages").format(
            path=folder / "index.html", n=len(pages) - 1
        )
        + "\n"
    )
    return 0


def _site_pages(args: argparse.Namespace, registry: Registry, overview: Any) -> dict[str, str]:
    """The site's pages by file name: the overview, then each municipality's own page, its
    barometer and, for a city of the installed plugins, its comparison."""
    import attrs

    from kommuneintegration.analysis.comparison import compare
    from kommuneintegration.i18n import language
    from kommuneintegration.render.municipality import (
        MunicipalityPage,
        municipality_to_html,
        page_name,
    )
    from kommuneintegration.render.overview import barometer_to_html

    pages = {"index.html": barometer_to_html(overview, pages=True)}
    plugins = set(registry.municipalities)
    for code in overview.municipalities:
        own = attrs.evolve(
            overview,
            rows=tuple(r for r in overview.rows if r.municipality == code),
            municipalities=(code,),
            peers={code: overview.peers.get(code, ())},
        )
        comparison = (
            compare(registry, municipalities=[code], fetched=_cached(args, registry))
            if code in plugins
            else None
        )
        page = MunicipalityPage(
            code, overview.name(code), own, comparison, language(), overview="index.html"
        )
        pages[page_name(code)] = municipality_to_html(page)
    return pages


def _write_site(args: argparse.Namespace, folder: Path, pages: dict[str, str]) -> None:
    """The pages written into a new folder beside ``folder``, then moved into it (or it
    renamed into place when new), each file whole; none over an input."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    if folder.is_dir():
        _check_outputs(args, {f"--out {name}": folder / name for name in pages})
    else:  # a new folder: nothing in it can be an input, but it may not be inside one
        _check_outputs(args, {"--out": folder})
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, text in pages.items():
            (staging / name).write_text(text, encoding="utf-8", newline="")
        if not folder.exists():
            staging.rename(folder)
        else:
            for name in pages:
                os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _barometer(args: argparse.Namespace, hosts: Callable[[], PluginHost], out: TextIO) -> int:
    from kommuneintegration.barometer import barometer
    from kommuneintegration.barometer.peers import parse_weights

    weights = _bounded(parse_weights(args.peer_weights or ""))
    _host, registry = _registry(hosts)
    result = barometer(
        _barometer_codes(args, registry),
        inputs=_barometer_inputs(registry),
        since=args.since,
        k=args.peers,
        weights=weights,
        min_persons=args.min_persons,
        country_groups=args.group or (),
    )
    import attrs

    _emit(args, "barometer", attrs.evolve(result, by_year=args.years), out)
    return 0


def _bounded(weights: dict[str, float]) -> dict[str, float]:
    """--peer-weights: finite numbers from 0 to MAX_PEER_WEIGHT, so no distance overflows."""
    from kommuneintegration.limits import MAX_PEER_WEIGHT

    for name, weight in weights.items():
        if not 0 <= weight <= MAX_PEER_WEIGHT:
            raise CommandError(
                _("--peer-weights {name}={value}: a weight is a number from 0 to {limit}").format(
                    name=name, value=f"{weight:g}", limit=MAX_PEER_WEIGHT
                )
            )
    return weights


def _barometer_codes(args: argparse.Namespace, registry: Registry) -> list[str] | None:
    """-m in the order asked; --all for all 98; else the installed cities."""
    from kommuneintegration.statbank import COUNTRY

    if getattr(args, "all", False):
        return None
    if args.municipality:
        return list(args.municipality)
    cities = [c for c in registry.municipalities if c != COUNTRY]
    if not cities:
        raise CommandError(
            _("name a municipality with -m CODE (e.g. -m 461), or all 98 with --all")
        )
    return cities


def _group_owners(registry: Registry) -> dict[str, list[str]]:
    """A plugin's country group -> the municipalities its plugin supplies (its city)."""
    found: dict[str, list[str]] = {}
    for group in registry.country_groups:
        plugin = registry.owners.get(f"group:{group.id}")
        if plugin:
            found[group.id] = [
                code
                for code, owner in registry.owners.items()
                if owner == plugin and code in registry.municipalities
            ]
    return found


def _barometer_inputs(registry: Registry, args: argparse.Namespace | None = None) -> Any:
    """The cache's figures for the barometer. For barometer and report --all (no ``args``) a
    clear error when it holds none; beside compare and report, ``None`` then, or with
    --no-statbank."""
    from kommuneintegration.statbank.cache import Cache, CacheError

    beside = args is not None
    if beside and getattr(args, "no_statbank", False):
        return None
    cache = Cache()
    if beside and not cache.exists():
        return None  # nothing to put beside the cities: the barometer is not even loaded
    from kommuneintegration.barometer import load_inputs

    try:
        inputs = load_inputs(cache, registry.country_groups, _group_owners(registry))
    except CacheError:
        if beside:
            return None  # _cached has said so
        raise
    if beside:
        return None if inputs.empty else inputs
    if inputs.set_aside:
        _warn_set_aside(inputs.set_aside)
    if inputs.empty:
        raise CommandError(
            _(
                "the Statbank cache ({path}) holds no figures for the barometer; run "
                "kommuneintegration fetch --all first"
            ).format(path=cache.path)
        )
    return inputs


def _emit(
    args: argparse.Namespace,
    subject: str,
    value: Any,
    out: TextIO,
    options: dict[str, Any] | None = None,
) -> None:
    """Render ``value`` in the format asked for, then the notes of what it leaves out.

    To standard output, or to ``--out`` atomically; the notes go to stderr.
    """
    _write(args, subject, value, out, options)
    for message in getattr(args, "notes", []):
        _note(message)


def _write(
    args: argparse.Namespace,
    subject: str,
    value: Any,
    out: TextIO,
    options: dict[str, Any] | None = None,
) -> None:
    """Render ``value`` in the format asked for: to standard output, or to ``--out`` atomically.

    A binary format (a workbook) goes only to a file; the table in render/formats.py
    says which formats each command has and which of them are binary. ``options`` go to
    the renderer (compare's summary or sections).
    """
    from kommuneintegration.render.formats import formats_for, output_format
    from kommuneintegration.safefile import write_bytes, write_text

    chosen = output_format(getattr(args, "format", None) or formats_for(subject)[0].id, subject)
    path = getattr(args, "out", None)
    if path is not None and path != "-" and _to_stdout(path):
        path = "-"  # --out /dev/stdout >> log: a stream, appended to, never replaced
    if chosen.binary and not path:
        raise CommandError(
            _("the {format} format is written to a file: add --out FILE{extension}").format(
                format=chosen.id, extension=chosen.extension
            )
        )
    if path == "-" and chosen.binary:
        raise CommandError(
            _("the {format} format is written to a file: add --out FILE{extension}").format(
                format=chosen.id, extension=chosen.extension
            )
        )
    if path is not None and path != "-":
        _check_outputs(args, {"--out": path})
    import warnings

    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        rendered = chosen.render(subject, value, **(options or {}))
    for warning in said:  # a renderer's word on what it had to change (a text cut short)
        if warning.category.__module__.startswith("kommuneintegration"):
            _warn(str(warning.message))
        else:
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    if path is None or path == "-":  # "-": the standard output, as a stream
        assert isinstance(rendered, str)
        _check_encoding(out, rendered)
        out.write(rendered)
        return
    if isinstance(rendered, bytes):
        write_bytes(path, rendered)
    else:
        write_text(path, rendered)
    out.write(_("Wrote {path}").format(path=path) + "\n")


def _to_stdout(path: str) -> bool:
    from kommuneintegration.safefile import stream_descriptor

    return stream_descriptor(path) == 1


def _check_outputs(
    args: argparse.Namespace, outputs: dict[str, Any], inputs: dict[str, Any] | None = None
) -> None:
    """Refuse, before anything is written, an output onto anything the command reads: its
    inputs, the Statbank cache's files (its journal too), the plugins' registry kept between
    runs and the installed plugins' folders."""
    from kommuneintegration.plugins import stored
    from kommuneintegration.safefile import check_inside, check_paths
    from kommuneintegration.statbank.cache import Cache

    cache = Cache().path
    read = {"--observations": getattr(args, "observations", None), **(inputs or {})}
    read[_("the Statbank cache")] = cache
    for suffix in ("-journal", "-wal", "-shm"):
        read[_("the Statbank cache's own file")] = cache.with_name(cache.name + suffix)
        check_paths(read, outputs)
    check_paths(read, outputs)
    check_inside(outputs, {_("the plugins' registry kept between runs"): stored.folder()})
    host = getattr(args, "loaded_host", None)
    if host is not None:
        check_inside(outputs, host.plugin_folders())


def _check_encoding(out: TextIO, text: str) -> None:
    """Refuse before writing anything when the stream cannot encode the output (an ASCII
    terminal, PYTHONIOENCODING=ascii): half a JSON document is worse than none."""
    encoding = getattr(out, "encoding", None)
    if not encoding:
        return
    try:
        text.encode(encoding, errors=getattr(out, "errors", None) or "strict")
    except UnicodeEncodeError:
        raise CommandError(
            _(
                "the standard output's encoding ({encoding}) cannot write this output; set "
                "PYTHONIOENCODING=utf-8, or write it to a file with --out FILE"
            ).format(encoding=encoding)
        ) from None
    except LookupError:
        return


class _Format(NamedTuple):
    """``--format``, its choices read from the table of output formats for ``subject``."""

    subject: str

    def add(self, p: argparse._ActionsContainer) -> None:
        from kommuneintegration.render.formats import formats_for

        choices = formats_for(self.subject)
        p.add_argument(
            "--format",
            "-f",
            choices=[f.id for f in choices],
            default=choices[0].id,
            help=_("output format: {formats} (default {default})").format(
                formats="; ".join(f"{f.id}: {_(f.label)}" for f in choices), default=choices[0].id
            ),
        )


def _section(name: str) -> str:
    """``--section``: a section of compare's text by its id or Danish name."""
    from kommuneintegration.render.formats import COMPARISON_SECTIONS, section_id

    found = section_id(name)
    if found is None:
        raise argparse.ArgumentTypeError(
            _("unknown section {name!r}; the sections: {known}").format(
                name=name, known=", ".join(pick(s.danish, s.id) for s in COMPARISON_SECTIONS)
            )
        )
    return found


class _Sections:
    """compare's --section and --full, one or the other: the table format leads with a
    summary of every section; --section's help names them, read from their table."""

    def add(self, p: argparse._ActionsContainer) -> None:
        from kommuneintegration.render.formats import COMPARISON_SECTIONS

        shown = p.add_mutually_exclusive_group()
        shown.add_argument(
            "--section",
            "-s",
            action="append",
            type=_section,
            metavar=_("NAME"),
            help=_(
                "one section in full instead of the summary (table format); repeat for more: {sections}"
            ).format(
                sections="; ".join(
                    f"{pick(s.danish, s.id)}: {_(s.label)}" for s in COMPARISON_SECTIONS
                )
            ),
        )
        shown.add_argument(
            "--full",
            action="store_true",
            help=_("every section in full instead of the summary (table format)"),
        )


def _text_view(args: argparse.Namespace) -> dict[str, Any]:
    """How compare's table format shows the comparison: the summary unless --section or --full
    says otherwise; those two are the table format's only."""
    sections, full = getattr(args, "section", None) or (), getattr(args, "full", False)
    if args.format != "table":
        if sections or full:
            raise CommandError(
                _("{option} is for the table format, which summarises; {format} has it all").format(
                    option="--section" if sections else "--full", format=args.format
                )
            )
        return {}
    return {"summary": not full and not sections, "sections": tuple(dict.fromkeys(sections))}


def _cached(args: argparse.Namespace, registry: Registry) -> Any:
    """Statistics Denmark's figures from the local cache (no network), unless --no-statbank."""
    if getattr(args, "no_statbank", False):
        return None
    from kommuneintegration.analysis.cityfetch import stored
    from kommuneintegration.statbank.cache import Cache, CacheError

    try:
        # compare and report show the panel's latest figures; evaluate does not use it
        fetched = stored(registry, panel="latest")
    except CacheError as exc:
        _warn(str(exc) + "; " + _("Statistics Denmark's figures are left out"))
        return None
    if fetched.set_aside:
        _warn_set_aside(fetched.set_aside)
    if fetched.empty:
        from kommuneintegration.statbank.client import base_url, public_url

        # said after the output, once the command has done its work
        args.notes = [
            *getattr(args, "notes", []),
            _(
                "no figures from Statistics Denmark: {state}; kommuneintegration fetch gets "
                "them (--no-statbank leaves them out without this note)"
            ).format(state=Cache().state(public_url(base_url()))),
        ]
        return None
    return fetched


#: fetch's exit status when some tables were refused, or their new answers kept apart, and the
#: others fetched and stored (docs/statbank.md); nothing fetched at all is an error (1).
EXIT_SOME_REFUSED: Final = 3


def _fetch(args: argparse.Namespace, hosts: Callable[[], PluginHost], out: TextIO) -> int:
    from kommuneintegration.analysis.cityfetch import plan
    from kommuneintegration.barometer import barometer_groups
    from kommuneintegration.barometer.fetching import requests as barometer_requests
    from kommuneintegration.barometer.indicators import indicators
    from kommuneintegration.statbank import COUNTRY, fetch, request_areas

    _host, registry = _registry(hosts)
    if args.municipality:
        codes = [registry.municipality(m).code for m in args.municipality]
    else:
        codes = [c for c in registry.municipalities if c != COUNTRY]
    show = sys.stderr.isatty() or args.progress

    def progress(number: int, total: int, what: str) -> None:
        if show:
            filled = int(30 * number / total)
            print(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {number}/{total} {what:<30}",
                end="" if number < total else "\n",
                file=sys.stderr,
                flush=True,
            )

    areas = request_areas(args.all, codes)
    groups = barometer_groups(registry.country_groups)
    requests = [
        *plan(registry, codes, areas),
        *barometer_requests(indicators(groups), areas, groups),
    ]
    report = fetch(
        requests,
        since=args.since,
        offline=args.offline,
        refresh=args.refresh,
        progress=progress,
    )
    who = _("all 98 municipalities") if args.all else ", ".join(codes) or _("no city")
    # Whatever came from the network (update times, footnotes) is shown escaped.
    out.write(
        _("Fetched for {who} and the whole country (000):").format(who=who)
        + f"\n{escape_controls(report.text())}\n"
    )
    return EXIT_SOME_REFUSED if report.refused or report.kept_apart else 0


def _classify(args: argparse.Namespace, hosts: Callable[[], PluginHost], out: TextIO) -> int:
    from kommuneintegration.population.register import classify_file, write_summary
    from kommuneintegration.safefile import input_path

    input_path(args.input, _("the input"))
    _check_outputs(
        args, {"--out": args.out, "--summary": args.summary}, {_("the input"): args.input}
    )
    summary = classify_file(
        args.input,
        args.out,
        errors=args.errors,
        chunk_rows=args.chunk_rows,
        progress=args.progress or None,
        encoding=args.encoding,
    )
    out.write(_("Wrote {path}").format(path=args.out) + f"\n{summary.text()}\n")
    if args.summary:
        write_summary(summary, args.summary)
    return 0


def _synthesize(args: argparse.Namespace, hosts: Callable[[], PluginHost], out: TextIO) -> int:
    from kommuneintegration.population.synthetic import synthesize

    if not 0 <= args.rows <= MAX_ROWS:
        raise CommandError(
            _("--rows must be between 0 and {limit}, not {value}").format(
                limit=format_number(MAX_ROWS), value=args.rows
            )
        )
    if not 0 <= args.seed < 2**32:
        raise CommandError(
            _("--seed must be a whole number from 0 to {limit}, not {value}").format(
                limit=format_number(2**32 - 1), value=args.seed
            )
        )
    _check_outputs(args, {"--out": args.out})
    path = synthesize(args.rows, seed=args.seed).write(args.out)
    out.write(
        _("Wrote {rows} synthetic residents (seed {seed}) to {path}").format(
            rows=format_number(args.rows), seed=args.seed, path=path
        )
        + "\n"
    )
    return 0


def _registry(hosts: Callable[[], PluginHost]) -> tuple[PluginHost, Registry]:
    """Load the plugins and warn, on stderr, about any plugin left out for its problems."""
    host = hosts()
    registry = host.registry()
    for problem in registry.problems:
        _warn(str(problem))
    return host, registry


_LANG_HELP = N_("language of the output: da (default) or en; also KOMMUNEINTEGRATION_LANG")


def _lang_option(p: argparse.ArgumentParser, *, default: object = argparse.SUPPRESS) -> None:
    """``--lang`` before or after the command: ``kommuneintegration --lang en compare`` or
    ``kommuneintegration compare --lang en``."""
    p.add_argument("--lang", metavar="da|en", default=default, help=_(_LANG_HELP))


def _command(p: argparse.ArgumentParser, handler: Handler) -> None:
    """What every subcommand has: --lang, help in the output language, and its handler."""
    _lang_option(p)
    _localized(p)
    p.set_defaults(handler=handler)


class _Option(NamedTuple):
    """One option or argument of a command: argparse's flags and keywords, and its help, a
    marked message looked up when the parser is built (so in the language of the help),
    with ``fill`` for its placeholders."""

    flags: tuple[str, ...]
    help: str
    kwargs: Mapping[str, Any]
    fill: Mapping[str, object]

    def add(self, p: argparse._ActionsContainer) -> None:
        text = _(self.help)
        p.add_argument(
            *self.flags, help=text.format(**self.fill) if self.fill else text, **self.kwargs
        )


def _opt(
    *flags: str, help: str, fill: Mapping[str, object] | None = None, **kwargs: Any
) -> _Option:
    """An option of the table: its flags, its help (marked with ``N_``), argparse's keywords."""
    return _Option(flags, help, kwargs, fill or {})


class _OneOf(NamedTuple):
    """Options of which a command line may give one at most (a mutually exclusive group)."""

    options: tuple[_Option, ...]

    def add(self, p: argparse._ActionsContainer) -> None:
        group = p.add_mutually_exclusive_group()
        for option in self.options:
            option.add(group)


class _Entry(Protocol):
    """What a command's table lists: something that adds its options to the parser."""

    def add(self, p: argparse._ActionsContainer) -> None: ...


class _Command(NamedTuple):
    """One command of the command line: its name, its help (marked), what runs it, and its
    options in the order of its help (--lang and -h are every command's)."""

    name: str
    help: str
    handler: Handler
    options: tuple[_Entry, ...]


def _places(help: str) -> _Option:
    """``--municipality``/``-m``, repeatable, read as typed (:func:`_place`): every command
    that takes municipalities has it, each with its own help."""
    return _opt("--municipality", "-m", action="append", type=_place, metavar="CODE", help=help)


_OUT: Final = _opt(
    "--out",
    "-o",
    metavar="FILE",
    help=N_("write to FILE (atomically) instead of the standard output"),
)
_NEW_FILE: Final = _opt("--out", "-o", required=True, help=N_("output file (.csv or .parquet)"))
_OBSERVATIONS: Final = _opt(
    "--observations", metavar="FILE.csv", help=N_("add observations from a CSV file")
)
_STATBANK: Final = _opt(
    "--no-statbank",
    action="store_true",
    help=N_("leave out Statistics Denmark's figures from the local cache (see fetch)"),
)


class _Formatter(argparse.HelpFormatter):
    """argparse's help in the output language: "usage:" too, not only the help texts."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help, and its subcommands', uses :class:`_Formatter`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def _localized(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The titles and help texts argparse writes itself, from the catalogue."""
    parser._positionals.title = _("positional arguments")
    parser._optionals.title = _("options")
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = _("show this help message and exit")
        elif isinstance(action, argparse._VersionAction):
            action.help = _("show the version and exit")
    return parser


#: argparse's own complaints a user can meet, marked for the catalogue: argparse looks
#: them up with gettext under these very ids, and :func:`_argparse_speaks` hands it ours.
_ARGPARSE_MESSAGES: Final = (
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _argparse_plurals() -> str:
    """argparse's plural message, marked for the catalogue (never called)."""
    return ngettext("expected %s argument", "expected %s arguments", 2)


@contextlib.contextmanager
def _argparse_speaks() -> Iterator[None]:
    """argparse's messages from the catalogue while the command line is parsed, then its
    own again: the library does not change argparse for the program that imports it."""
    old = argparse.__dict__.get("_"), argparse.__dict__.get("ngettext")
    setattr(argparse, "_", gettext)  # noqa: B010
    setattr(argparse, "ngettext", ngettext)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", old[0])  # noqa: B010
        setattr(argparse, "ngettext", old[1])  # noqa: B010


def _language_of(argv: Sequence[str] | None) -> str | None:
    """The --lang of a command line, read before parsing it, so the help is in that language."""
    words = list(sys.argv[1:] if argv is None else argv)
    for i, word in enumerate(words):
        if word == "--lang" and i + 1 < len(words):
            return words[i + 1]
        if word.startswith("--lang="):
            return word.split("=", 1)[1]
    return None


def commands() -> list[str]:
    """The commands of the command line, in the order of its help: the parser's own list."""
    parser = build_parser()
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []  # pragma: no cover - the parser always has its commands


#: The commands in the order of the help, each with its options in the order of its help.
_COMMANDS: Final[tuple[_Command, ...]] = (
    _Command(
        "plugins",
        N_("list installed plugins, their hooks and load errors"),
        _plugins,
        (
            _Format("plugins"),
            _opt(
                "--all",
                action="store_true",
                help=N_("also list the default plugins (the built-in rules)"),
            ),
        ),
    ),
    _Command(
        "new-plugin",
        N_("write a new municipality plugin package"),
        _new_plugin,
        (
            _opt("name", help=N_("plugin name, lower case (e.g. odense)")),
            _opt("--code", required=True, help=N_("DST municipality code (kommunekode), e.g. 461")),
            _opt("--dir", default=".", help=N_("folder to write the package in (default: .)")),
            _opt("--municipality", help=N_("the municipality's name (default: from NAME)")),
        ),
    ),
    _Command(
        "translations",
        N_("write or update a plugin's translations of its own prose (data/locale/*.po)"),
        _translations,
        (
            _opt("plugin", help=N_("the installed plugin's name, its folder, or its data folder")),
            _opt(
                "--into",
                default="da",
                metavar="da|en",
                help=N_("the language to translate into (default: da)"),
            ),
        ),
    ),
    _Command(
        "compare",
        N_("the cities side by side: figures, comparability, themes, targets"),
        _compare,
        (
            _places(N_("code or name; repeat for more")),
            _opt(
                "--theme",
                "-t",
                action="append",
                metavar="THEME",
                help=N_("e.g. employment or beskæftigelse"),
            ),
            _Format("comparison"),
            _Sections(),
            _OUT,
            _OBSERVATIONS,
            _STATBANK,
        ),
    ),
    _Command(
        "evaluate",
        N_("every target against the observations, with the reason"),
        _evaluate,
        (
            _OBSERVATIONS,
            _places(N_("a city of the installed plugins, code or name; repeat for more")),
            _Format("evaluations"),
            _OUT,
            _opt(
                "--as-of",
                type=int,
                metavar="YEAR",
                help=N_("evaluate as of this year: figures for later years are not used"),
            ),
            _STATBANK,
        ),
    ),
    _Command(
        "barometer",
        N_(
            "any municipality's Integrationsbarometer from the Statbank cache, beside the "
            "country, its kommunegruppe and its peers"
        ),
        _barometer,
        (
            _places(N_("a municipality's code or name, any of the 98; repeat for more")),
            _opt("--all", action="store_true", help=N_("all 98 municipalities")),
            _opt(
                "--since",
                type=_year,
                metavar="YEAR",
                help=N_("the baseline year (default 2012, the barometer's)"),
            ),
            _opt(
                "--peers",
                type=int,
                default=5,
                metavar="K",
                help=N_("how many nearest municipalities to show (default 5)"),
            ),
            _opt(
                "--peer-weights",
                metavar="SPEC",
                help=N_(
                    "weights of the peer distance, e.g. population=1,non-western-share=2,kommunegruppe=0"
                ),
            ),
            _opt(
                "--min-persons",
                type=int,
                default=100,
                metavar="N",
                help=N_("a group of fewer persons is marked, not ranked (default 100)"),
            ),
            _opt(
                "--group",
                action="append",
                metavar="ID",
                help=N_(
                    "a plugin's own country group (e.g. kobenhavn:udvalgte-menapt) for every "
                    "municipality asked; it is shown for its own city anyway"
                ),
            ),
            _opt(
                "--years",
                action="store_true",
                help=N_("CSV: one row per year of each series (default: the series in one column)"),
            ),
            _Format("barometer"),
            _OUT,
        ),
    ),
    _Command(
        "show",
        N_("one city's strategy documents in full"),
        _show,
        (
            _opt(
                "municipality",
                type=_place,
                metavar="CODE",
                help=N_("DST code or name, e.g. 851 or Aalborg"),
            ),
        ),
    ),
    _Command(
        "report",
        N_("a self-contained HTML report with charts"),
        _report,
        (
            _opt(
                "--out",
                "-o",
                default="report.html",
                help=N_("where to write (default: report.html)"),
            ),
            _places(
                N_("a city of the installed plugins; with --all, any municipality to highlight")
            ),
            _opt(
                "--all",
                action="store_true",
                help=N_(
                    "one page for the whole country: every municipality's barometer (see barometer)"
                ),
            ),
            _OBSERVATIONS,
            _STATBANK,
        ),
    ),
    _Command(
        "fetch",
        N_("fetch Statistics Denmark's figures for the installed cities into the local cache"),
        _fetch,
        (
            _places(
                N_("a municipality's code or name (default: the installed cities); repeat for more")
            ),
            _opt("--since", type=int, metavar="YEAR", help=N_("only figures from this year on")),
            _OneOf(
                (
                    _opt(
                        "--offline",
                        action="store_true",
                        help=N_("never touch the network: cache only"),
                    ),
                    _opt(
                        "--refresh",
                        action="store_true",
                        help=N_("ask again even for cached answers"),
                    ),
                )
            ),
            _opt(
                "--all",
                action="store_true",
                help=N_("the context panel for all 98 municipalities (one request per table)"),
            ),
            _opt("--progress", action="store_true", help=N_("show progress when not a terminal")),
        ),
    ),
    _Command(
        "classify",
        N_("classify a register file (CSV or Parquet) by origin, in chunks"),
        _classify,
        (
            _opt(
                "input", help=N_("CSV or .parquet with the six origin columns (see docs/origin.md)")
            ),
            _NEW_FILE,
            _opt(
                "--errors",
                choices=["raise", "coerce"],
                default="raise",
                help=N_("invalid codes: stop, or count as unknown"),
            ),
            _opt(
                "--chunk-rows",
                type=_chunk_rows,
                default=None,
                help=N_("rows per chunk, 1 to {most}: sets memory use (default {default})"),
                # the limits as they are, not format_number: no Babel for --help, it is fast
                fill={"most": MAX_CHUNK_ROWS, "default": DEFAULT_CHUNK_ROWS},
            ),
            _opt(
                "--encoding",
                default="utf-8",
                help=N_(
                    "text encoding of a CSV input (default utf-8; Danish spreadsheet exports are often cp1252)"
                ),
            ),
            _opt("--summary", metavar="FILE.json", help=N_("also write the counts as JSON")),
            _opt(
                "--progress",
                action="store_true",
                help=N_("show progress even when stderr is not a terminal"),
            ),
        ),
    ),
    _Command(
        "synthesize",
        N_("write a seeded synthetic population (CSV or .parquet)"),
        _synthesize,
        (
            _opt(
                "--rows",
                "-n",
                type=int,
                default=100_000,
                help=N_("how many residents (default 100000)"),
            ),
            _opt(
                "--seed",
                type=int,
                default=0,
                help=N_("the seed: the same seed, the same population"),
            ),
            _NEW_FILE,
        ),
    ),
)


def build_parser() -> argparse.ArgumentParser:
    """The command line, its help in the current language (:func:`i18n.use_language`): the
    program's own options, then each command of :data:`_COMMANDS` with its options."""
    parser = _Parser(
        prog="kommuneintegration",
        description=_(
            "Compare how Danish municipalities pursue the integration of immigrants and descendants."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help=_("show tracebacks instead of one-line errors")
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help=_("fail on any plugin problem (also KOMMUNEINTEGRATION_STRICT_PLUGINS=1)"),
    )
    _lang_option(parser, default=None)
    sub = parser.add_subparsers(
        dest="command", metavar=_("COMMAND"), required=True, title=_("commands")
    )
    for command in _COMMANDS:
        p = sub.add_parser(command.name, help=_(command.help))
        for option in command.options:
            option.add(p)
        _command(p, command.handler)
    return _localized(parser)


def _located(exc: InputError) -> str:
    """An input error with its place (file, line, column) in the output language."""
    line = _("line {line}").format(line=format_number(exc.line)) if exc.line is not None else ""
    where = ", ".join(p for p in (exc.file, line, exc.column) if p)
    return f"{where}: {exc.reason}" if where else exc.reason


def main(
    argv: Sequence[str] | None = None, *, host: PluginHost | None = None, out: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code."""
    from kommuneintegration.i18n import LanguageError, use_language

    parsing, parser, args = _parse(argv)
    out = _standard_output(argv, out)
    if out is None:  # started with its standard output closed
        print(
            "kommuneintegration: " + _("error: there is no standard output to write to"),
            file=sys.stderr,
        )
        return 1
    try:
        with use_language(args.lang), watch_interrupts():
            return _run(args, _hosts(args, host), out)
    except LanguageError as exc:
        with use_language(parsing), _argparse_speaks():
            parser.error(str(exc))
    except KeyboardInterrupt:
        print("kommuneintegration: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if args.debug:
            raise
        _report_error(args, exc)
        return 1


def _parse(argv: Sequence[str] | None) -> tuple[str, argparse.ArgumentParser, argparse.Namespace]:
    """The command line parsed, its help and complaints in the language of its --lang (or the
    default, an unknown one being reported once the command runs): that language, the parser
    and the arguments."""
    from kommuneintegration.i18n import (
        DEFAULT_LANGUAGE,
        LanguageError,
        resolve_language,
        use_language,
    )

    try:  # the help is written before the command runs: read --lang first
        parsing = resolve_language(_language_of(argv))
    except LanguageError:  # reported once the command line is parsed
        parsing = DEFAULT_LANGUAGE
    with use_language(parsing):
        parser = build_parser()  # argparse looks its titles up again: not in our catalogue
        with _argparse_speaks():
            args = parser.parse_args(argv)
    return parsing, parser, args


def _standard_output(argv: Sequence[str] | None, out: TextIO | None) -> TextIO | None:
    """Where the command writes: ``out`` if given, else the standard output (the program's
    own kept from plugins), or None when there is none."""
    if out is None and argv is None:  # the program itself: plugins cannot reach its output
        from kommuneintegration.contain import private_stdout

        out = private_stdout()
    return out if out is not None else sys.stdout


def _hosts(args: argparse.Namespace, host: PluginHost | None) -> Callable[[], PluginHost]:
    """The plugin host for the commands that ask for it, loaded on the first asking."""
    loaded: list[PluginHost] = [host] if host is not None else []

    def hosts() -> PluginHost:
        """Plugins are loaded only by commands that use them."""
        from kommuneintegration.plugins import PluginHost, get_host

        if not loaded:
            loaded.append(PluginHost(strict=True) if args.strict else get_host())
        args.loaded_host = loaded[0]  # whose folders no output may land in
        return loaded[0]

    return hosts


def _run(args: argparse.Namespace, hosts: Callable[[], PluginHost], out: TextIO) -> int:
    """The command's handler, and its output flushed: a write that fails is an error."""
    handler: Handler = args.handler
    code = handler(args, hosts, out)
    try:
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise CommandError(
            _("the standard output could not be written ({error})").format(
                error=exc.strerror or exc
            )
        ) from None
    return code


def _report_error(args: argparse.Namespace, exc: Exception) -> None:
    """An error in one line on stderr in the output language, any further lines below it."""
    from kommuneintegration.i18n import use_language

    with use_language(args.lang):
        message = (_located(exc) if isinstance(exc, InputError) else str(exc)).strip()
    message = message or type(exc).__name__
    first, _sep, rest = escape_controls(message).partition("\n")
    with use_language(args.lang):
        prefix = _("error: {message}").format(message=first)
    print("kommuneintegration: " + prefix, file=sys.stderr)
    if rest:
        print(rest, file=sys.stderr)
