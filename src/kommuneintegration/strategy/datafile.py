"""Strategy data files (TOML): load, validate, dump.

A city's strategy is writable without Python. Loading is strict, because a
silently ignored typo in a data file becomes a wrong comparison later:

- unknown keys are errors, with the nearest known key suggested;
- numbers must be numbers and text must be text (no ``"5.8"`` for ``5.8``);
- references between goals, themes, indicators, targets and observations must
  resolve, and an observation's unit must be its indicator's;
- every problem is reported with the file and the key path, all at once::

    kobenhavn/2023.toml: targets[2].value: expected a number, got str '5,8'

:func:`dump_strategy` writes a file that :func:`load_strategy` reads back to an
equal object.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs
import tomli_w

from kommuneintegration import tomltext
from kommuneintegration.countries import CountryGroup, builtin_groups
from kommuneintegration.i18n import LANGUAGES, N_, _, format_number, hint
from kommuneintegration.limits import MAX_PLURAL_FORMS, MAX_TOML_BYTES, MAX_TRANSLATION_BYTES
from kommuneintegration.safefile import BoundedReadError, read_bounded
from kommuneintegration.strategy.catalogue import (
    builtin_concepts,
    builtin_target_groups,
    catalogue_ids,
)
from kommuneintegration.strategy.models import (
    Concept,
    Indicator,
    Measure,
    Municipality,
    Provenance,
    SourceDocument,
    Strategy,
    TargetGroup,
    TargetKind,
)
from kommuneintegration.strategy.schema import (
    DataFileError,
    Problem,
    _got,
    structure,
    unknown_key,
    unstructure,
)
from kommuneintegration.units import difference_unit

T = TypeVar("T")

__all__ = [
    "DataFileError",
    "PluginData",
    "Problem",
    "check_strategy",
    "dump_strategy",
    "load_plugin_data",
    "load_strategy",
    "plugin_files",
    "strategy_files",
    "strategy_from_dict",
    "translation_files",
]

# --- reference checks ---------------------------------------------------------------


def check_strategy(
    strategy: Strategy,
    *,
    target_groups: Iterable[str] | None = None,
    catalogue: Iterable[str] | None = None,
    concepts: Iterable[str] | None = None,
    file: str = "",
) -> list[Problem]:
    """Every broken reference, duplicate id and unit mismatch in one strategy.

    ``concepts`` is the closed catalogue of concept ids: an indicator's ``concept``
    must be one of them (free text is refused, with the list).
    """
    check = _References(file, set(target_groups) if target_groups is not None else None)
    check.collect_ids(strategy)
    check.group_ref("target_group", strategy.target_group)
    for i, goal in enumerate(strategy.goals):
        check.ref(f"goals[{i}].theme", goal.theme, "themes")
    for i, initiative in enumerate(strategy.initiatives):
        check.ref(f"initiatives[{i}].goal", initiative.goal, "goals")
        check.ref(f"initiatives[{i}].theme", initiative.theme, "themes")
    for i, parameter in enumerate(strategy.evaluation_parameters):
        check.ref(f"evaluation_parameters[{i}].goal", parameter.goal, "goals")
        check.ref(f"evaluation_parameters[{i}].indicator", parameter.indicator, "indicators")
    _check_indicators(
        strategy,
        check,
        set(catalogue) if catalogue is not None else None,
        set(concepts) if concepts is not None else None,
    )
    _check_targets(strategy, check)
    _check_observations(strategy, check)
    return check.problems


class _References:
    """The problems found in one strategy so far, and the ids its references may name."""

    def __init__(self, file: str, groups: set[str] | None) -> None:
        self.file = file
        self.groups = groups
        self.ids: dict[str, set[str]] = {}
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message, self.file))

    def collect_ids(self, strategy: Strategy) -> None:
        """Each collection's ids, with a problem for every item whose id is repeated."""
        collections: dict[str, Sequence[Any]] = {
            "themes": strategy.themes,
            "goals": strategy.goals,
            "principles": strategy.principles,
            "initiatives": strategy.initiatives,
            "evaluation_parameters": strategy.evaluation_parameters,
            "indicators": strategy.indicators,
            "targets": strategy.targets,
        }
        for name, items in collections.items():
            counts = Counter(item.id for item in items)
            for i, item in enumerate(items):
                if counts[item.id] > 1:
                    self.add(f"{name}[{i}].id", _("duplicate id {id}").format(id=repr(item.id)))
            self.ids[name] = set(counts)

    def ref(self, path: str, value: str | None, collection: str) -> None:
        if value is not None and value not in self.ids[collection]:
            known = ", ".join(sorted(self.ids[collection])) or _("none")
            self.add(
                path,
                _("unknown {what} {value}; known: {known}").format(
                    what=_(_KINDS[collection]), value=repr(value), known=known
                ),
            )

    def group_ref(self, path: str, value: str | None) -> None:
        if self.groups is not None and value is not None and value not in self.groups:
            self.add(
                path,
                _("unknown target group {value}").format(value=repr(value))
                + hint(value, self.groups),
            )


def _check_indicators(
    strategy: Strategy,
    check: _References,
    known_catalogue: set[str] | None,
    known_concepts: set[str] | None,
) -> None:
    """Each indicator's target group, concept, catalogue entry and unit."""
    for i, indicator in enumerate(strategy.indicators):
        check.group_ref(f"indicators[{i}].target_group", indicator.target_group)
        if (
            known_concepts is not None
            and indicator.concept
            and indicator.concept not in known_concepts
        ):
            check.add(
                f"indicators[{i}].concept",
                _("unknown concept {value}").format(value=repr(indicator.concept))
                + hint(indicator.concept, known_concepts)
                + " "
                + _(
                    "(a concept is an id of the closed catalogue, not free text: put the "
                    "explanation in concept_note, or declare a new concept in plugin.toml's "
                    "[[concepts]]); known: {known}"
                ).format(known=", ".join(sorted(known_concepts))),
            )
        if (
            known_catalogue is not None
            and indicator.catalogue is not None
            and indicator.catalogue not in known_catalogue
        ):
            check.add(
                f"indicators[{i}].catalogue",
                _("unknown catalogue indicator {value}").format(value=repr(indicator.catalogue))
                + hint(indicator.catalogue, known_catalogue),
            )
        _check_measure_unit(indicator, f"indicators[{i}]", check.add)


def _check_targets(strategy: Strategy, check: _References) -> None:
    """Each target's references, and a unit that fits its indicator's."""
    indicators = {ind.id: ind for ind in strategy.indicators}
    for i, target in enumerate(strategy.targets):
        check.ref(f"targets[{i}].goal", target.goal, "goals")
        check.ref(f"targets[{i}].indicator", target.indicator, "indicators")
        check.ref(f"targets[{i}].reference_indicator", target.reference_indicator, "indicators")
        check.group_ref(f"targets[{i}].group", target.group)
        target_indicator = indicators.get(target.indicator or "")
        if target_indicator is not None and target.unit is not None:
            allowed: set[str] = {target_indicator.unit}
            if target.kind is TargetKind.CHANGE:
                allowed |= {difference_unit(target_indicator.unit), "percent"}
            if target.unit not in allowed:
                check.add(
                    f"targets[{i}].unit",
                    _("{unit} does not fit indicator {indicator} in {indicator_unit}").format(
                        unit=repr(target.unit),
                        indicator=repr(target_indicator.id),
                        indicator_unit=target_indicator.unit,
                    ),
                )


def _check_observations(strategy: Strategy, check: _References) -> None:
    """Each observation's indicator and group, and its unit the indicator's."""
    indicators = {ind.id: ind for ind in strategy.indicators}
    for i, observation in enumerate(strategy.observations):
        check.ref(f"observations[{i}].indicator", observation.indicator, "indicators")
        check.group_ref(f"observations[{i}].group", observation.group)
        observed = indicators.get(observation.indicator)
        if observed is not None and observation.unit != observed.unit:
            check.add(
                f"observations[{i}].unit",
                _("{unit} but indicator {indicator} is measured in {indicator_unit}").format(
                    unit=repr(observation.unit),
                    indicator=repr(observed.id),
                    indicator_unit=observed.unit,
                ),
            )


#: What a collection's item is called in a message.
_KINDS: Final = {
    "themes": N_("theme"),
    "goals": N_("goal"),
    "principles": N_("principle"),
    "initiatives": N_("initiative"),
    "evaluation_parameters": N_("evaluation parameter"),
    "indicators": N_("indicator"),
    "targets": N_("target"),
}


def _check_measure_unit(indicator: Indicator, path: str, add: Any) -> None:
    expected = {
        Measure.RATE: {"percent"},
        Measure.SHARE: {"percent"},
        Measure.GAP: {"percentage_point"},
        Measure.COUNT: {"person", "count"},
        Measure.INDEX: {"index_point", "percent"},
        Measure.RANK: {"count"},
    }[indicator.measure]
    if indicator.unit not in expected:
        add(
            f"{path}.unit",
            _("a {measure} is measured in {expected}, not {unit}").format(
                measure=indicator.measure.value,
                expected=_(" or ").join(sorted(expected)),
                unit=indicator.unit,
            ),
        )


# --- files --------------------------------------------------------------------------


def _refused(exc: BoundedReadError, most: int, too_large: str) -> str:
    """Why :func:`~kommuneintegration.safefile.read_bounded` read nothing, in words."""
    if exc.kind:
        return _("{kind}: only a regular file is read as a data file").format(kind=exc.kind)
    return _(too_large).format(size=format_number(exc.size), most=format_number(most))


def _read_toml(path: Path, display: str) -> dict[str, Any]:
    try:
        data = read_bounded(path, MAX_TOML_BYTES)
    except BoundedReadError as exc:
        message = _refused(exc, MAX_TOML_BYTES, _TOML_TOO_LARGE)
        raise DataFileError([Problem("", message, display)]) from None
    except OSError as exc:
        raise DataFileError(
            [Problem("", _("cannot read: {error}").format(error=exc.strerror or exc), display)]
        ) from exc
    try:
        # as a text-mode read gives it: "\r\n" and "\r" end a line as "\n" does
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            [
                Problem(
                    "",
                    _("not valid UTF-8 text ({error}); TOML files are UTF-8").format(error=exc),
                    display,
                )
            ]
        ) from None
    try:
        return tomltext.parse(text)
    except tomltext.TOMLDecodeError as exc:
        raise DataFileError(
            [Problem("", _("not valid TOML: {error}").format(error=exc), display)]
        ) from exc
    except RecursionError:
        raise DataFileError(
            [
                Problem(
                    "", _("nested too deeply to read (arrays or tables inside each other)"), display
                )
            ]
        ) from None


_TOML_TOO_LARGE: Final = N_("a data file of {size} bytes; at most {most} are read")
_PO_TOO_LARGE: Final = N_("a translation file of {size} bytes; at most {most} are read")


def _display(path: Path) -> str:
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _cited(
    provenance: Provenance | None,
    documents: Mapping[str, SourceDocument],
    path: str,
    file: str,
    problems: list[Problem],
) -> Provenance | None:
    if provenance is None:
        return None
    found = documents.get(provenance.document)
    if found is None:
        problems.append(
            Problem(
                f"{path}.document",
                _("unknown document {value}").format(value=repr(provenance.document))
                + hint(provenance.document, documents, list_known=True),
                file,
            )
        )
        return provenance
    return attrs.evolve(provenance, cited=found)


def cite(
    strategy: Strategy, documents: Mapping[str, SourceDocument], file: str = ""
) -> tuple[Strategy, list[Problem]]:
    """Resolve every provenance's document key into the document it names.

    Returns the strategy with each ``Provenance.cited`` set, and a problem for
    each key that names no document.
    """
    problems: list[Problem] = []
    changes: dict[str, Any] = {
        "source": _cited(strategy.source, documents, "source", file, problems)
    }
    for field in attrs.fields(Strategy):
        items = getattr(strategy, field.name)
        if not (isinstance(items, tuple) and items and hasattr(items[0], "provenance")):
            continue
        changes[field.name] = tuple(
            attrs.evolve(
                item,
                provenance=_cited(
                    item.provenance, documents, f"{field.name}[{i}].provenance", file, problems
                ),
            )
            for i, item in enumerate(items)
        )
    return attrs.evolve(strategy, **changes), problems


def strategy_from_dict(
    data: Mapping[str, Any],
    *,
    file: str = "",
    target_groups: Iterable[str] | None = None,
    catalogue: Iterable[str] | None = None,
    documents: Mapping[str, SourceDocument] | None = None,
    concepts: Iterable[str] | None = None,
) -> Strategy:
    """Build and check a :class:`Strategy` from a mapping shaped like the TOML file.

    With ``documents``, every provenance must name one of them, and is resolved.
    """
    strategy = structure(data, Strategy, file)
    problems = check_strategy(
        strategy, target_groups=target_groups, catalogue=catalogue, concepts=concepts, file=file
    )
    if documents is not None:
        strategy, unknown = cite(strategy, documents, file)
        problems += unknown
    if problems:
        raise DataFileError(problems)
    return strategy


def load_strategy(
    path: str | Path,
    *,
    target_groups: Iterable[str] | None = None,
    catalogue: Iterable[str] | None = None,
    documents: Mapping[str, SourceDocument] | None = None,
    concepts: Iterable[str] | None = None,
) -> Strategy:
    """Load one strategy file. Groups, catalogue ids, concepts and documents are checked when given."""
    path = Path(path)
    display = _display(path)
    return strategy_from_dict(
        _read_toml(path, display),
        file=display,
        target_groups=target_groups,
        catalogue=catalogue,
        documents=documents,
        concepts=concepts,
    )


def dump_strategy(strategy: Strategy) -> str:
    """The strategy as TOML text that :func:`load_strategy` reads back unchanged."""
    # Basic strings with escapes, not multi-line strings: TOML readers may turn a
    # multi-line string's "\r\n" into "\n", and a round trip must lose nothing.
    return tomli_w.dumps(unstructure(strategy), multiline_strings=False)


@attrs.frozen
class PluginData:
    """What a data-only plugin ships: its municipality, groups and strategy documents."""

    municipality: Municipality
    strategies: tuple[Strategy, ...]
    target_groups: tuple[TargetGroup, ...] = ()
    country_groups: tuple[CountryGroup, ...] = ()
    documents: tuple[SourceDocument, ...] = ()
    concepts: tuple[Concept, ...] = ()
    #: language -> {prose as written: its translation}, from ``locale/<language>.po``.
    translations: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    #: The language the plugin's prose (readings, notes) is written in: ``prose_language``
    #: in plugin.toml, English unless it says otherwise.
    prose_language: str = "en"


def strategy_files(root: Path) -> list[Path]:
    """A plugin's strategy documents: ``strategies/*.toml`` in its data folder, in order."""
    folder = root / "strategies"
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def translation_files(root: Path) -> list[Path]:
    """A plugin's translations of its prose: ``locale/*.po`` in its data folder, in order."""
    folder = root / "locale"
    return sorted(folder.glob("*.po")) if folder.is_dir() else []


def plugin_files(root: Path) -> list[Path]:
    """Every file :func:`load_plugin_data` reads from a data folder: what a plugin of data is
    made of (the host keeps its registry under a digest of them, ``plugins/stored.py``)."""
    return [root / "plugin.toml", *strategy_files(root), *translation_files(root)]


def load_translations(directory: Any, problems: list[Problem]) -> dict[str, dict[str, str]]:
    """A plugin's translations of its prose: ``locale/da.po``, ``locale/en.po`` (gettext).

    A message with no translation (empty ``msgstr``) or marked fuzzy is left out:
    its text is shown as written. A file for a language the library does not
    speak, or one that does not parse, is a problem of the plugin, with its file.
    """
    from babel.messages.pofile import PoFileError, read_po

    found: dict[str, dict[str, str]] = {}
    for path in translation_files(Path(str(directory))):
        display = _display(path)
        if path.stem not in LANGUAGES:
            problems.append(
                Problem(
                    "",
                    _("no language {value}; expected one of {languages}").format(
                        value=repr(path.stem), languages=", ".join(LANGUAGES)
                    ),
                    display,
                )
            )
            continue
        try:
            data = read_bounded(path, MAX_TRANSLATION_BYTES)
        except BoundedReadError as exc:
            problems.append(
                Problem("", _refused(exc, MAX_TRANSLATION_BYTES, _PO_TOO_LARGE), display)
            )
            continue
        except OSError as exc:
            message = _("cannot read: {error}").format(error=exc.strerror or exc)
            problems.append(Problem("", message, display))
            continue
        refused = _po_refusal(data)
        if refused:
            problems.append(Problem("", refused, display))
            continue
        try:
            catalog = read_po(io.BytesIO(data), locale=path.stem, abort_invalid=True)
        except (PoFileError, ValueError, UnicodeDecodeError, LookupError) as exc:
            problems.append(
                Problem(
                    "", _("not a readable gettext catalogue: {error}").format(error=exc), display
                )
            )
            continue
        found[path.stem] = {
            str(m.id): str(m.string)
            for m in catalog
            if m.id
            and isinstance(m.id, str)
            and isinstance(m.string, str)
            and m.string
            and not m.fuzzy
        }
    return found


def _po_refusal(data: bytes) -> str:
    """Why a plugin's .po file is not read (too many plural forms, an unknown charset; its
    size and kind are read_bounded's), checked before Babel sees it; "" where it may be."""
    import codecs
    import re

    # The whole file (bounded), its quoted strings joined as a .po reader joins them,
    # and every nplurals in it read as Babel reads it (int(): "1_000_000" and full-width
    # digits included): a decoy before it, 8 KB of padding or a split string hide nothing.
    text = data.decode("utf-8", "replace")
    head = re.sub(r'"\s*\n\s*"', "", text)
    for found in re.finditer(r"nplurals\s*=([^;\\\"\n]*)", head, re.IGNORECASE):
        value = found.group(1).strip()
        try:
            n = int(value[:40])
        except ValueError:
            n = -1
        if len(value) > 40 or not 1 <= n <= MAX_PLURAL_FORMS:
            return _("declares {n} plural forms; a language has 1 to {most}").format(
                n=repr(value[:20]), most=MAX_PLURAL_FORMS
            )
    charset = re.search(r"charset\s*=\s*([A-Za-z0-9_.:-]+)", head)
    if charset:
        try:
            codecs.lookup(charset.group(1))
        except LookupError:
            return _("an unknown charset {value}; write it as UTF-8").format(
                value=repr(charset.group(1)[:40])
            )
    return ""


def _entries(
    meta: Mapping[str, Any], key: str, cls: type[T], file: str, problems: list[Problem]
) -> Iterator[tuple[int, T]]:
    """The entries of ``[[key]]`` built as ``cls``; one that does not build is a problem."""
    for i, entry in enumerate(_array_of_tables(meta, key, file, problems)):
        try:
            yield i, structure(entry, cls, file, f"{key}[{i}]")
        except DataFileError as exc:
            problems += exc.problems


def _array_of_tables(
    meta: Mapping[str, Any], key: str, file: str, problems: list[Problem]
) -> list[Any]:
    """``meta[key]`` as the array of tables ``[[key]]`` a file must give; anything else is
    a problem (and no entries), never "'int' object is not iterable"."""
    entries = meta.get(key, [])
    if isinstance(entries, list):
        return entries
    problems.append(
        Problem(
            key,
            _("expected an array of tables ([[{key}]]), got {value}").format(
                key=key, value=_got(entries)
            ),
            file,
        )
    )
    return []


def load_plugin_data(directory: Any) -> PluginData:
    """Load ``plugin.toml`` and every ``strategies/*.toml`` below ``directory``.

    ``directory`` is a path or an ``importlib.resources`` traversable, so a
    plugin calls ``load_plugin_data(files(__package__) / "data")``. All files
    are read and all problems reported together.
    """
    root = Path(str(directory))
    meta_path = root / "plugin.toml"
    meta_display = _display(meta_path) if root.name else "plugin.toml"
    meta = _read_toml(meta_path, meta_display)
    problems: list[Problem] = []
    for key in sorted(set(meta) - _PLUGIN_KEYS):
        problems.append(Problem(key, unknown_key(key, sorted(_PLUGIN_KEYS)), meta_display))
    municipality: Municipality | None = None
    documents = _documents(meta, meta_display, problems)
    try:
        municipality = structure(
            meta.get("municipality", {}), Municipality, meta_display, "municipality"
        )
    except DataFileError as exc:
        problems += exc.problems
    groups = _target_groups(meta, meta_display, documents, problems)
    country_groups = _country_groups(meta, meta_display, problems)
    concepts = _concepts(meta, meta_display, problems)
    translations = load_translations(root, problems)
    strategies = _strategies(
        root,
        {g.id for g in builtin_target_groups()} | {g.id for g in groups},
        set(builtin_concepts()) | {c.id for c in concepts},
        documents,
        problems,
    )
    prose_language = meta.get("prose_language", "en")
    if prose_language not in LANGUAGES:
        problems.append(
            Problem(
                "prose_language",
                _("no language {value}; expected one of {languages}").format(
                    value=repr(prose_language), languages=", ".join(LANGUAGES)
                ),
                meta_display,
            )
        )
    if problems:
        raise DataFileError(problems)
    assert municipality is not None
    return PluginData(
        municipality,
        tuple(strategies),
        tuple(groups),
        tuple(country_groups),
        tuple(documents.values()),
        tuple(concepts),
        translations,
        prose_language,
    )


#: The keys plugin.toml may have.
_PLUGIN_KEYS: Final = frozenset(
    {
        "municipality",
        "target_groups",
        "country_groups",
        "documents",
        "concepts",
        "prose_language",
    }
)


def _documents(
    meta: Mapping[str, Any], file: str, problems: list[Problem]
) -> dict[str, SourceDocument]:
    """plugin.toml's ``[[documents]]`` by key; a key given twice is a problem."""
    documents: dict[str, SourceDocument] = {}
    for i, document in _entries(meta, "documents", SourceDocument, file, problems):
        if document.key in documents:
            problems.append(
                Problem(
                    f"documents[{i}].key",
                    _("duplicate key {key}").format(key=repr(document.key)),
                    file,
                )
            )
        documents[document.key] = document
    return documents


def _target_groups(
    meta: Mapping[str, Any],
    file: str,
    documents: Mapping[str, SourceDocument],
    problems: list[Problem],
) -> list[TargetGroup]:
    """plugin.toml's ``[[target_groups]]``, each citing one of its documents if it has any."""
    groups: list[TargetGroup] = []
    for i, entry in enumerate(_array_of_tables(meta, "target_groups", file, problems)):
        try:
            group = structure(entry, TargetGroup, file, f"target_groups[{i}]")
            if documents:
                group = attrs.evolve(
                    group,
                    provenance=_cited(
                        group.provenance,
                        documents,
                        f"target_groups[{i}].provenance",
                        file,
                        problems,
                    ),
                )
            groups.append(group)
        except DataFileError as exc:
            problems += exc.problems
    return groups


def _country_groups(
    meta: Mapping[str, Any], file: str, problems: list[Problem]
) -> list[CountryGroup]:
    """plugin.toml's ``[[country_groups]]``, each added to the registry of groups."""
    country_groups: list[CountryGroup] = []
    registry = builtin_groups()
    for i, entry in enumerate(_array_of_tables(meta, "country_groups", file, problems)):
        if not isinstance(entry, Mapping):
            problems.append(
                Problem(
                    f"country_groups[{i}]",
                    _("expected a table, got {value}").format(value=_got(entry)),
                    file,
                )
            )
            continue
        lists = [k for k in ("members", "include") if k in entry]
        wrong = [
            k
            for k in lists
            if not (isinstance(entry[k], list) and all(isinstance(v, str) for v in entry[k]))
        ]
        if wrong:
            problems.append(
                Problem(
                    f"country_groups[{i}].{wrong[0]}",
                    _("expected an array of texts, got {value}").format(
                        value=_got(entry[wrong[0]])
                    ),
                    file,
                )
            )
            continue
        try:
            country_groups.append(registry.add_definition(entry))
        except (ValueError, TypeError, LookupError) as exc:
            problems.append(Problem(f"country_groups[{i}]", str(exc), file))
    return country_groups


def _concepts(meta: Mapping[str, Any], file: str, problems: list[Problem]) -> list[Concept]:
    """plugin.toml's ``[[concepts]]``; one the catalogue or the file already has is a problem."""
    concepts: list[Concept] = []
    for i, concept in _entries(meta, "concepts", Concept, file, problems):
        if concept.id in builtin_concepts() or concept.id in {c.id for c in concepts}:
            problems.append(
                Problem(
                    f"concepts[{i}].id",
                    _("concept {id} is already defined").format(id=repr(concept.id)),
                    file,
                )
            )
            continue
        concepts.append(concept)
    return concepts


def _strategies(
    root: Path,
    group_ids: set[str],
    concept_ids: set[str],
    documents: Mapping[str, SourceDocument],
    problems: list[Problem],
) -> list[Strategy]:
    """Every ``strategies/*.toml``, checked against the plugin's groups, concepts and
    documents; none at all is a problem."""
    strategies: list[Strategy] = []
    strategy_dir = root / "strategies"
    files = strategy_files(root)
    if not files:
        problems.append(
            Problem("", _("no strategy files found in strategies/"), _display(strategy_dir))
        )
    for path in files:
        try:
            strategies.append(
                load_strategy(
                    path,
                    target_groups=group_ids,
                    catalogue=catalogue_ids(),
                    concepts=concept_ids,
                    # A plugin that declares documents must cite them everywhere.
                    documents=documents or None,
                )
            )
        except DataFileError as exc:
            problems += exc.problems
    return strategies
