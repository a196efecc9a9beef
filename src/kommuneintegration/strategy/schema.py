"""Reading data into the models: one cattrs converter and errors that say where.

Data files, the shared catalogue and plugins all turn mappings into model
objects here, so they share one strictness (unknown keys, wrong types and bad
values are errors) and one error shape: a :class:`Problem` with the file and
the key path, collected into a :class:`DataFileError`::

    kobenhavn/2023.toml: targets[2].value: expected a number, got str '5,8'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote, ForbiddenExtraKeysError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from kommuneintegration.errors import InputError
from kommuneintegration.i18n import _, hint
from kommuneintegration.origin import Origin
from kommuneintegration.strategy.models import (
    AgeBand,
    LabelledEnum,
    Period,
    Provenance,
    Strategy,
    Unit,
    _unit,
)

__all__ = ["DataFileError", "Problem", "converter", "structure", "unknown_key", "unstructure"]

T = TypeVar("T")


@attrs.frozen
class Problem:
    """One thing wrong with a data file or a plugin's data: where, and what."""

    path: str
    message: str
    file: str = ""

    def __str__(self) -> str:
        where = ": ".join(p for p in (self.file, self.path) if p)
        return f"{where}: {self.message}" if where else self.message


class DataFileError(InputError):
    """A data file is malformed; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = [str(p) for p in self.problems]
        head = (
            lines[0]
            if len(lines) == 1
            else _("{n} problems:").format(n=len(lines)) + "\n  " + "\n  ".join(lines)
        )
        first = self.problems[0] if self.problems else Problem("", "")
        super().__init__(head)
        self.file, self.column = first.file, first.path


# --- the converter ------------------------------------------------------------------


def _got(value: Any) -> str:
    """What a file has instead, as TOML's type and the value: "str '5,4'" (a long one cut)."""
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"{type(value).__name__} {shown}"


def _strict_number(value: Any, _cls: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(_("expected a number, got {value}").format(value=_got(value)))
    return float(value)


def _strict_int(value: Any, _cls: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(_("expected a whole number, got {value}").format(value=_got(value)))
    return value


def _strict_bool(value: Any, _cls: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(_("expected true or false, got {value}").format(value=_got(value)))
    return value


def _date_text(value: Any, _cls: type) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _strict_str(value, str)


def _strict_str(value: Any, _cls: type) -> str:
    if not isinstance(value, str):
        raise TypeError(_("expected text, got {value}").format(value=_got(value)))
    return value


def _table_of(hook: Any) -> Any:
    """A class's structure hook that first wants a table: cattrs would say "'list' object has
    no attribute 'keys'" for an array or a text where a file must have ``[table]``."""

    def structure_table(value: Any, cls: type) -> Any:
        if not isinstance(value, Mapping):
            raise TypeError(_("expected a table, got {value}").format(value=_got(value)))
        return hook(value, cls)

    return structure_table


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)
    conv.register_structure_hook_factory(
        attrs.has,
        lambda cls: _table_of(make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True)),
    )
    # Registered by class: singledispatch picks the most specific class, so the
    # LabelledEnum hook wins over ``str`` for StrEnum fields, Origin over ``int``.
    conv.register_structure_hook(float, _strict_number)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(LabelledEnum, lambda v, t: t(_strict_str(v, str)))
    conv.register_unstructure_hook(LabelledEnum, lambda e: e.value)
    conv.register_structure_hook(Origin, lambda v, _t: Origin.parse(v))
    conv.register_unstructure_hook(Origin, lambda o: o.name.lower())
    conv.register_structure_hook(Unit, lambda v, _t: _unit(_strict_str(v, str)))
    conv.register_structure_hook(
        Period, lambda v, _t: Period.parse(v if isinstance(v, int) else _strict_str(v, str))
    )
    conv.register_unstructure_hook(Period, str)
    conv.register_structure_hook(AgeBand, lambda v, _t: AgeBand.parse(_strict_str(v, str)))
    conv.register_unstructure_hook(AgeBand, str)
    conv.register_unstructure_hook_func(
        lambda t: t == frozenset[Origin], lambda s: [o.name.lower() for o in sorted(s)]
    )
    # A date as TOML writes it (adopted = 2007-06-13) or as text ("13. juni 2007").
    conv.register_structure_hook(
        Strategy,
        _table_of(
            make_dict_structure_fn(
                Strategy,
                conv,
                _cattrs_forbid_extra_keys=True,
                adopted=override(struct_hook=_date_text),
            )
        ),
    )
    # A provenance names its document by key in a file; the resolved document
    # (``cited``) is the loader's work, never read from or written to a file.
    conv.register_structure_hook(
        Provenance,
        _table_of(
            make_dict_structure_fn(
                Provenance, conv, _cattrs_forbid_extra_keys=True, cited=override(omit=True)
            )
        ),
    )
    conv.register_unstructure_hook(
        Provenance,
        make_dict_unstructure_fn(
            Provenance, conv, _cattrs_omit_if_default=True, cited=override(omit=True)
        ),
    )
    return conv


converter: Final = _make_converter()
#: Fields the loader fills in, which a file never holds.
_NOT_IN_FILES: Final = frozenset({"cited"})


def _format_cattrs_error(exc: BaseException, file: str) -> list[Problem]:
    problems: list[Problem] = []

    def describe(e: BaseException, path: str) -> None:
        if isinstance(e, ForbiddenExtraKeysError):
            known = (
                [a.name for a in attrs.fields(e.cl) if a.name not in _NOT_IN_FILES]
                if attrs.has(e.cl)
                else []
            )
            for key in sorted(e.extra_fields):
                problems.append(Problem(_join(path, key), unknown_key(key, known), file))
        elif isinstance(e, KeyError):
            problems.append(Problem(path, _("required key missing"), file))
        elif len(e.args) >= 2 and isinstance(e.args[1], attrs.Attribute):
            # attrs validators raise (message, attribute, ...): point at the attribute.
            problems.append(Problem(_join(path, e.args[1].name), str(e.args[0]), file))
        else:
            problems.append(Problem(path, str(e) or type(e).__name__, file))

    _walk(exc, "", describe)
    return problems


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _walk(exc: BaseException, path: str, describe: Any) -> None:
    """Follow cattrs' exception groups and notes to each leaf error and its key path."""
    if isinstance(
        exc, cattrs.ClassValidationError | cattrs.IterableValidationError | ExceptionGroup
    ):
        with_notes, without = (
            exc.group_exceptions()
            if hasattr(exc, "group_exceptions")
            else ([(e, None) for e in exc.exceptions], [])
        )
        for sub, note in with_notes:
            step = _step(note)
            _walk(
                sub,
                path + step if step.startswith("[") else _join(path, step) if step else path,
                describe,
            )
        for sub in without:
            _walk(sub, path, describe)
        return
    describe(exc, path)


def _step(note: Any) -> str:
    if isinstance(note, IterableValidationNote):
        return f"[{note.index}]"
    if isinstance(note, AttributeValidationNote):
        return str(note.name)
    return ""


def structure(data: Mapping[str, Any], cls: type[T], file: str = "", path: str = "") -> T:
    """Build ``cls`` from a mapping, raising :class:`DataFileError` with key paths."""
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
        problems = _format_cattrs_error(exc, file)
        if path:
            problems = [attrs.evolve(p, path=_prefix(path, p.path)) for p in problems]
        raise DataFileError(problems) from exc


def _prefix(prefix: str, path: str) -> str:
    if not path:
        return prefix
    return prefix + path if path.startswith("[") else f"{prefix}.{path}"


def unknown_key(key: str, known: Sequence[str]) -> str:
    """The message for a key a file may not have, with the nearest known key or the list."""
    near = hint(key, known)
    if near:
        return _("unknown key") + near
    return _("unknown key; known keys: {keys}").format(keys=", ".join(sorted(known)) or _("none"))


def unstructure(obj: Any) -> Any:
    return converter.unstructure(obj)
