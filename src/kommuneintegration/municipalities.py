"""The 98 Danish municipalities as Statistics Denmark lists them: code, name, kommunegruppe.

Shipped as package data (``data/kommuner.csv``, DST's municipality codes and
its KOMMUNEGRUPPER v1:2018 classification), so a new plugin's code can be
checked and its name filled in, and a city can be placed in its group.
"""

from __future__ import annotations

import csv
import functools
import io
import statistics
from collections.abc import Mapping
from importlib import resources
from typing import Final

import attrs

from kommuneintegration.i18n import N_, _, use_language

__all__ = [
    "COUNTRY",
    "KOMMUNEGRUPPER",
    "OFFICIAL_TITLES",
    "Beside",
    "OfficialMunicipality",
    "beside",
    "official_municipalities",
]

#: Statistics Denmark's area code for the whole country (OMRÅDE "000", *Hele landet*).
COUNTRY: Final = "000"

#: DST's kommunegrupper (KOMMUNEGRUPPER v1:2018).
KOMMUNEGRUPPER: Final = {
    1: "Hovedstadskommuner",
    2: "Storbykommuner",
    3: "Provinsbykommuner",
    4: "Oplandskommuner",
    5: "Landkommuner",
}


#: The municipalities whose official name is not "<name> Kommune" (DST's short names are
#: in kommuner.csv): København's is genitive, Bornholm is a regionskommune. Catalogue
#: messages: the Danish catalogue holds "Københavns Kommune", "Bornholms Regionskommune".
OFFICIAL_TITLES: Final = {
    "101": N_("City of Copenhagen"),
    "400": N_("Bornholm Regional Municipality"),
}


@attrs.frozen
class OfficialMunicipality:
    """One municipality: DST code ("101"), name ("København") and kommunegruppe (1-5)."""

    code: str
    name: str
    group: int

    @property
    def group_label(self) -> str:
        return KOMMUNEGRUPPER[self.group]

    def title(self, lang: str | None = "da") -> str:
        """The municipality's official name: "Aalborg Kommune", "Københavns Kommune",
        "Bornholms Regionskommune" ("Aalborg Municipality" in English; ``None``: the
        output language)."""
        if lang is not None:
            with use_language(lang):
                return self.title(None)
        if self.code in OFFICIAL_TITLES:
            return _(OFFICIAL_TITLES[self.code])
        return _("{name} Municipality").format(name=self.name)


@functools.cache
def official_municipalities() -> dict[str, OfficialMunicipality]:
    """The 98 municipalities by code, in code order."""
    text = resources.files("kommuneintegration").joinpath("data/kommuner.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    found = {
        row["kode"]: OfficialMunicipality(row["kode"], row["navn"], int(row["kommunegruppe"]))
        for row in csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";")
    }
    return dict(sorted(found.items()))


@attrs.frozen
class Beside:
    """What a municipality's figure is set beside: the whole country and its kommunegruppe's
    median (with how many municipalities it rests on). One home for compare's Statbank rows
    and the barometer."""

    country: float | None
    medians: dict[int, tuple[float, int]]

    def median(self, code: str) -> tuple[float | None, int]:
        """The median of ``code``'s kommunegruppe and its n; (None, 0) for none."""
        municipality = official_municipalities().get(code)
        if municipality is None:
            return None, 0
        median, n = self.medians.get(municipality.group, (None, 0))
        return median, n


def beside(values: Mapping[str, float]) -> Beside:
    """The country's value (code 000) and each kommunegruppe's median over the municipalities
    of ``values`` (area code -> figure). The median is over the figures as computed; a reader
    sees it rounded as the figures are (one decimal), never rounded twice."""
    official = official_municipalities()
    by_group: dict[int, list[float]] = {}
    for code, value in values.items():
        if code in official:
            by_group.setdefault(official[code].group, []).append(value)
    return Beside(
        values.get(COUNTRY),
        {g: (statistics.median(vs), len(vs)) for g, vs in by_group.items()},
    )
