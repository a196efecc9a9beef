"""Write the tableinfo of the stand-in's tables: ``python tests/data/statbank/make_tableinfo.py``.

The shape and every field are DST's as recorded from the live service (FOLK1A's
tableinfo, 2025-10, in mikkelkrogsholm/dst-skills data/cache/tableinfo_folk1a.json:
id, the short ``text`` and the long ``description``, unit, suppressedDataValue,
updated, active, contacts, documentation, footnote, variables with elimination,
time and map). The codes are those ../shared/FACTS.md gives for RAS200 and
FOLK1E (corrected 2026-12-01): RAS200's all-origins total is written "00" here,
one of the two spellings seen, so the client must find it by its text "I alt";
16-64 runs through the latest year, 16-65 and 16-66 ("1666") are added bands.
The areas are the whole country, the five regions, the 98 municipalities of
../shared/data/kommuner.csv and Christiansø (411), as FOLK1A lists them. The
update times, contacts and FOLK1E's documentation address (FOLK1A's, the same
statistic) stand in for RAS200's and FOLK1E's own, which are not recorded.

RAS201, LIGEUB1, KY038 and STRAFNA6 have the codes and texts ../shared/FACTS.md gives
(section "Statbank: tables per municipality beyond RAS200, FOLK1E and FOLK1C", grade [W]:
read from a warehouse of real answers, unverified): their titles, units and periods as
recorded, their update times and contacts made up like the others'. STRAFNA6's footnote
text is made up (the real one is not recorded); that it is mandatory is the stand-in's
choice, so that a client has a mandatory footnote to show.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

HERE = Path(__file__).parent
KOMMUNER = HERE.parents[2] / "src" / "kommuneintegration" / "data" / "kommuner.csv"
REGIONS = [
    ("084", "Region Hovedstaden"),
    ("085", "Region Sjælland"),
    ("083", "Region Syddanmark"),
    ("082", "Region Midtjylland"),
    ("081", "Region Nordjylland"),
]


def _areas() -> list[dict[str, str]]:
    lines = [line for line in KOMMUNER.read_text("utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter=";"))
    values = [{"id": "000", "text": "Hele landet"}]
    values += [{"id": code, "text": name} for code, name in REGIONS]
    values += [{"id": r["kode"], "text": r["navn"]} for r in rows]
    values.append({"id": "411", "text": "Christiansø"})
    return values


def _area_variable():
    return _variable(
        "OMRÅDE", "område", [(a["id"], a["text"]) for a in _areas()], map_="Denmark_municipality_07"
    )


def _variable(ident, text, values, *, time=False, map_=None):
    out = {"id": ident, "text": text, "elimination": not time, "time": time}
    if map_:
        out["map"] = map_
    out["values"] = [{"id": i, "text": t} for i, t in values]
    return out


def ras200() -> dict:
    ages = [("16-64", "16-64 år"), ("16-65", "16-65 år (2020 -)"), ("1666", "16-66 år (2022 -)")]
    bands = ["16-17", "18-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49"]
    bands += ["50-54", "55-59", "60-64", "65-66"]
    ages += [(b, f"{b} år") for b in bands]
    return {
        "id": "RAS200",
        "text": "Erhvervs- og beskæftigelsesfrekvenser (ultimo november)",
        "description": (
            "Erhvervs- og beskæftigelsesfrekvenser (ultimo november) efter område, herkomst, "
            "alder, køn, beregning og tid"
        ),
        "unit": "Pct.",
        "suppressedDataValue": "0",
        "updated": "2025-11-27T08:00:00",
        "active": True,
        "contacts": [{"name": "Statistikbanken", "phone": "+4539173917", "mail": "info@dst.dk"}],
        "documentation": None,
        "footnote": None,
        "variables": [
            _area_variable(),
            _variable(
                "HERKOMST",
                "herkomst",
                [
                    ("00", "I alt"),
                    ("10", "Personer med dansk oprindelse"),
                    ("20", "Indvandrere"),
                    ("24", "Indvandrere fra vestlige lande"),
                    ("25", "Indvandrere fra ikke-vestlige lande"),
                    ("30", "Efterkommere"),
                    ("34", "Efterkommere fra vestlige lande"),
                    ("35", "Efterkommere fra ikke-vestlige lande"),
                ],
            ),
            _variable("ALDER", "alder", ages),
            _variable("KØN", "køn", [("TOT", "I alt"), ("M", "Mænd"), ("K", "Kvinder")]),
            _variable(
                "BEREGNING",
                "beregning",
                [("BFK", "Beskæftigelsesfrekvens"), ("EFK", "Erhvervsfrekvens")],
            ),
            _variable("Tid", "tid", [(str(y), str(y)) for y in range(2008, 2025)], time=True),
        ],
    }


#: 2008K1 to 2025K3, as FOLK1E and FOLK1C run (September 2025).
QUARTERS = [f"{y}K{q}" for y in range(2008, 2026) for q in range(1, 5) if (y, q) <= (2025, 3)]


def folk1e() -> dict:
    return {
        "id": "FOLK1E",
        "text": "Befolkningen den 1. i kvartalet",
        "description": (
            "Befolkningen den 1. i kvartalet efter område, køn, alder, herkomst og tid"
        ),
        "unit": "Antal",
        "suppressedDataValue": "0",
        "updated": "2025-08-11T08:00:00",
        "active": True,
        "contacts": [{"name": "Statistikbanken", "phone": "+4539173917", "mail": "info@dst.dk"}],
        "documentation": {
            "id": "4a12721d-a8b0-4bde-82d7-1d1c6f319de3",
            "url": "https://www.dst.dk/statistikdokumentation/4a12721d-a8b0-4bde-82d7-1d1c6f319de3",
        },
        "footnote": None,
        "variables": [
            _area_variable(),
            _variable("KØN", "køn", [("TOT", "I alt"), ("1", "Mænd"), ("2", "Kvinder")]),
            _variable(
                "ALDER",
                "alder",
                [("IALT", "Alder i alt"), *((str(a), f"{a} år") for a in range(0, 126))],
            ),
            _variable(
                "HERKOMST",
                "herkomst",
                [
                    ("TOT", "I alt"),
                    ("1", "Personer med dansk oprindelse"),
                    ("24", "Indvandrere fra vestlige lande"),
                    ("25", "Indvandrere fra ikke-vestlige lande"),
                    ("34", "Efterkommere fra vestlige lande"),
                    ("35", "Efterkommere fra ikke-vestlige lande"),
                ],
            ),
            _variable("Tid", "tid", [(q, q) for q in QUARTERS], time=True),
        ],
    }


#: FOLK1C's countries of origin (IELAND) by their Danish names: DST's country list
#: (statkode) as a public teaching repository recorded it, its footnote marks ("(2)")
#: left out. Bahrain is not on that list, so the stand-in has no IELAND value for it.
COUNTRIES = [
    "Sverige",
    "Albanien",
    "Belgien",
    "Bulgarien",
    "Tjekkoslovakiet",
    "Frankrig",
    "Grækenland",
    "Nederlandene",
    "Irland",
    "Italien",
    "Serbien og Montenegro",
    "Jugoslavien",
    "Malta",
    "Polen",
    "Portugal",
    "Rumænien",
    "San Marino",
    "Schweiz",
    "Sovjetunionen",
    "Spanien",
    "Storbritannien",
    "Tyrkiet",
    "Ungarn",
    "Tyskland",
    "Østrig",
    "Rusland",
    "Ukraine",
    "Hviderusland",
    "Armenien",
    "Aserbajdsjan",
    "Moldova",
    "Algeriet",
    "Usbekistan",
    "Angola",
    "Kasakhstan",
    "Turkmenistan",
    "Botswana",
    "Kirgisistan",
    "Tadsjikistan",
    "Georgien",
    "Burundi",
    "Etiopien",
    "Comorerne",
    "Eritrea",
    "Gambia",
    "Ghana",
    "Guinea-Bissau",
    "Guinea",
    "Kap Verde",
    "Kenya",
    "Lesotho",
    "Liberia",
    "Libyen",
    "Kroatien",
    "Mozambique",
    "Slovenien",
    "Madagaskar",
    "Mali",
    "Marokko",
    "Mauritius",
    "Nigeria",
    "Namibia",
    "Bosnien-Hercegovina",
    "Makedonien",
    "Serbien",
    "Jugoslavien, Forbundsrepublikken",
    "Montenegro",
    "Kosovo",
    "Sierra Leone",
    "Sudan",
    "Swaziland",
    "Sydafrika",
    "Tjekkiet",
    "Tanzania",
    "Slovakiet",
    "Tunesien",
    "Uganda",
    "Egypten",
    "Cameroun",
    "Congo, Demokratiske Republik",
    "Congo, Republikken",
    "Benin",
    "Elfenbenskysten",
    "Gabon",
    "Mauretanien",
    "Niger",
    "Rwanda",
    "Senegal",
    "Somalia",
    "Tchad",
    "Togo",
    "Burkina Faso",
    "Zimbabwe",
    "Zambia",
    "Malawi",
    "Seychellerne",
    "Afrika uoplyst",
    "Argentina",
    "Bahamas",
    "Bolivia",
    "Barbados",
    "Brasilien",
    "Guyana",
    "Canada",
    "Chile",
    "Colombia",
    "Costa Rica",
    "Cuba",
    "Dominikanske Republik",
    "Ecuador",
    "Guatemala",
    "Grenada",
    "Haiti",
    "Dominica",
    "Skt. Lucia",
    "Honduras",
    "Jamaica",
    "Mexico",
    "Nicaragua",
    "Panama",
    "Paraguay",
    "Peru",
    "El Salvador",
    "Trinidad og Tobago",
    "Uruguay",
    "USA",
    "Venezuela",
    "Yemen",
    "Forenede Arabiske Emirater",
    "Afghanistan",
    "Bhutan",
    "Bangladesh",
    "Brunei",
    "Myanmar",
    "Cambodja",
    "Sri Lanka",
    "Cypern",
    "Taiwan",
    "Indien",
    "Indonesien",
    "Irak",
    "Iran",
    "Israel",
    "Japan",
    "Jordan",
    "Kina",
    "Kuwait",
    "Laos",
    "Libanon",
    "Maldiverne",
    "Malaysia",
    "Mongoliet",
    "Oman",
    "Nepal",
    "Nordkorea",
    "Pakistan",
    "Filippinerne",
    "Saudi-Arabien",
    "Singapore",
    "Sydkorea",
    "Syrien",
    "Mellemøsten uoplyst",
    "Vietnam",
    "Thailand",
    "Qatar",
    "Asien uoplyst",
    "Australien",
    "Tonga",
    "Fiji",
    "New Zealand",
    "Samoa",
    "Djibouti",
    "Belize",
    "Estland",
    "Letland",
    "Litauen",
    "Danmark",
    "Udlandet uoplyst",
    "Statsløs",
    "Finland",
    "Island",
    "Liechtenstein",
    "Luxembourg",
    "Norge",
]
#: The codes FACTS.md confirms; the others are numbered here in list order, since the
#: library reads IELAND by its Danish text and never by its code.
KNOWN_CODES = {"Danmark": "5100", "Frankrig": "5130", "Storbritannien": "5170", "USA": "5390"}


def _ieland() -> list[tuple[str, str]]:
    values: list[tuple[str, str]] = []
    free = (str(n) for n in range(5200, 6000) if str(n) not in KNOWN_CODES.values())
    for name in COUNTRIES:
        values.append((KNOWN_CODES.get(name) or next(free), name))
    return values


def folk1c() -> dict:
    bands = [f"{a}-{a + 4}" for a in range(0, 100, 5)]
    return {
        "id": "FOLK1C",
        "text": "Befolkningen den 1. i kvartalet",
        "description": (
            "Befolkningen den 1. i kvartalet efter område, køn, alder (5-års grupper), "
            "herkomst, oprindelsesland og tid"
        ),
        "unit": "Antal",
        "suppressedDataValue": "0",
        "updated": "2025-08-11T08:00:00",
        "active": True,
        "contacts": [{"name": "Statistikbanken", "phone": "+4539173917", "mail": "info@dst.dk"}],
        "documentation": {
            "id": "4a12721d-a8b0-4bde-82d7-1d1c6f319de3",
            "url": "https://www.dst.dk/statistikdokumentation/4a12721d-a8b0-4bde-82d7-1d1c6f319de3",
        },
        "footnote": None,
        "variables": [
            _area_variable(),
            _variable("KØN", "køn", [("TOT", "I alt"), ("1", "Mænd"), ("2", "Kvinder")]),
            _variable(
                "ALDER",
                "alder",
                [
                    ("IALT", "Alder i alt"),
                    *((b, f"{b} år") for b in bands),
                    ("100OV", "100 år og derover"),
                ],
            ),
            _variable(
                "HERKOMST",
                "herkomst",
                [
                    ("TOT", "I alt"),
                    ("5", "Personer med dansk oprindelse"),
                    ("4", "Indvandrere"),
                    ("3", "Efterkommere"),
                ],
            ),
            _variable("IELAND", "oprindelsesland", _ieland()),
            _variable("Tid", "tid", [(q, q) for q in QUARTERS], time=True),
        ],
    }


_CONTACTS = [{"name": "Statistikbanken", "phone": "+4539173917", "mail": "info@dst.dk"}]


def _table(ident, text, description, unit, variables, *, footnote=None) -> dict:
    return {
        "id": ident,
        "text": text,
        "description": description,
        "unit": unit,
        "suppressedDataValue": "0",
        "updated": "2025-09-30T08:00:00",
        "active": True,
        "contacts": _CONTACTS,
        "documentation": None,
        "footnote": footnote,
        "variables": variables,
    }


def _years(first: int, last: int):
    return _variable("Tid", "tid", [(str(y), str(y)) for y in range(first, last + 1)], time=True)


def _bands(first: int, last: int) -> list[tuple[str, str]]:
    return [(f"{a}-{a + 4}", f"{a}-{a + 4} år") for a in range(first, last, 5)]


def ras201() -> dict:
    ages = [("-15", "Under 16 år"), ("16-19", "16-19 år"), *_bands(20, 65)]
    ages += [("65-66", "65-66 år"), ("67-", "67 år og derover")]
    return _table(
        "RAS201",
        "Befolkningen (ultimo november)",
        "Befolkningen (ultimo november) efter område, socioøkonomisk status, herkomst, alder, "
        "køn og tid",
        "Antal",
        [
            _area_variable(),
            _variable(
                "SOCIO",
                "socioøkonomisk status",
                [("0", "Beskæftigede"), ("50", "Arbejdsløse"), ("55", "Uden for arbejdsstyrken")],
            ),
            _variable(
                "HERKOMST",
                "herkomst",
                [
                    ("999", "Personer med dansk oprindelse"),
                    ("24", "Indvandrere fra vestlige lande"),
                    ("25", "Indvandrere fra ikke-vestlige lande"),
                    ("34", "Efterkommere fra vestlige lande"),
                    ("35", "Efterkommere fra ikke-vestlige lande"),
                ],
            ),
            _variable("ALDER", "alder", ages),
            _variable("KØN", "køn", [("M", "Mænd"), ("K", "Kvinder")]),
            _years(2008, 2023),
        ],
    )


def ligeub1() -> dict:
    areas = [(a["id"], a["text"]) for a in _areas()]
    education = [
        ("TOT", "I alt"),
        ("H10", "H10 Grundskole"),
        ("H20", "H20 Gymnasiale uddannelser"),
        ("H30", "H30 Erhvervsfaglige uddannelser"),
        ("H35", "H35 Adgangsgivende uddannelsesforløb"),
        ("H40", "H40 Korte videregående uddannelser, KVU"),
        ("H50", "H50 Mellemlange videregående uddannelser, MVU"),
        ("H60", "H60 Bacheloruddannelser, BACH"),
        ("H70", "H70 Lange videregående uddannelser, LVU"),
        ("H80", "H80 Ph.d. og forskeruddannelser"),
        ("H90", "H90 Uoplyst mv."),
    ]
    return _table(
        "LIGEUB1",
        "Befolkningens højeste fuldførte uddannelse (15-69 år)",
        "Befolkningens højeste fuldførte uddannelse (15-69 år) efter bopælsområde, herkomst, "
        "højest fuldførte uddannelse, alder, køn og tid",
        "Antal",
        [
            _variable("BOPOMR", "bopælsområde", areas, map_="Denmark_municipality_07"),
            _variable(
                "HERKOMST",
                "herkomst",
                [
                    ("0", "I alt"),
                    ("10", "Dansk oprindelse"),
                    ("21", "Indvandrere i alt"),
                    ("24", "Indvandrere fra vestlige lande"),
                    ("25", "Indvandrere fra ikke-vestlige lande"),
                    ("31", "Efterkommere i alt"),
                    ("34", "Efterkommere fra vestlige lande"),
                    ("35", "Efterkommere fra ikke-vestlige lande"),
                ],
            ),
            _variable("HFUDD", "højest fuldførte uddannelse", education),
            _variable("ALDER", "alder", [("TOT", "Alder i alt"), *_bands(15, 70)]),
            _variable("KØN", "køn", [("TOT", "I alt"), ("M", "Mænd"), ("K", "Kvinder")]),
            _years(2005, 2024),
        ],
    )


def ky038() -> dict:
    areas = [(a["id"], a["text"]) for a in _areas() if a["id"] != "411"]
    areas.append(("997", "Udlandet"))
    types = [
        ("10000", "Ydelser i alt"),
        ("10050", "Kontanthjælp i alt"),
        ("10025", "Uddannelseshjælp i alt"),
        ("10020", "Kontanthjælp og integrationsydelse til udlændinge m.fl. i alt"),
        ("10060", "Løntilskud vedrørende kontant- og uddannelseshjælpsmodtagere m. fl. I alt"),
        ("10070", "Kontant- og uddannelseshjælp under forrevalidering i alt"),
        ("10040", "Revalideringsydelse i alt"),
        ("10032", "Kontantydelse i alt (oktober 2015 -)"),
        ("10035", "Arbejdsmarkedsydelse i alt (januar 2014 -)"),
        ("10030", "Særlig uddannelsesydelse i alt ( -januar 2014)"),
    ]
    return _table(
        "KY038",
        "Kontanthjælp (helårsmodtagere)",
        "Kontanthjælp (helårsmodtagere) efter område, ydelsestype, national oprindelse, "
        "herkomst og tid",
        "-",
        [
            _variable("OMRÅDE", "område", areas, map_="Denmark_municipality_07"),
            _variable("YDELSESTYPE", "ydelsestype", types),
            _variable(
                "HERKOMST1",
                "national oprindelse",
                [
                    ("TOT", "I alt"),
                    ("1", "Personer med dansk oprindelse"),
                    ("2", "Vestlige lande"),
                    ("9", "Ikke vestlige lande"),
                    ("000", "Uoplyst national oprindelse"),
                ],
            ),
            _variable(
                "HERKOMST",
                "herkomst",
                [
                    ("0", "I alt"),
                    ("10", "Dansk oprindelse"),
                    ("20", "Indvandrere"),
                    ("30", "Efterkommere"),
                    ("40", "Uoplyst"),
                ],
            ),
            _years(2007, 2024),
        ],
    )


#: Made up: the real footnote of STRAFNA6 is not recorded.
STRAFNA6_FOOTNOTE = (
    "En person, der er fundet skyldig flere gange i løbet af året, tælles kun én gang."
)


def strafna6() -> dict:
    areas = [(a["id"], a["text"]) for a in _areas() if a["id"] != "411"]
    return _table(
        "STRAFNA6",
        "Skyldige personer",
        "Skyldige personer efter område, køn, alder, national oprindelse og tid",
        "Antal",
        [
            _variable("OMRÅDE", "område", areas, map_="Denmark_municipality_07"),
            _variable("KØN", "køn", [("M", "Mænd"), ("K", "Kvinder")]),
            _variable(
                "ALDER",
                "alder",
                [
                    ("TOT", "Alder i alt"),
                    ("15-29", "15-29 år"),
                    ("30-49", "30-49 år"),
                    ("50-79", "50-79 år"),
                ],
            ),
            _variable(
                "HERKOMST1",
                "national oprindelse",
                [
                    ("1", "Personer med dansk oprindelse"),
                    ("6", "Personer med udenlandsk oprindelse"),
                ],
            ),
            _years(2005, 2023),
        ],
        footnote={"text": STRAFNA6_FOOTNOTE, "mandatory": True},
    )


def main() -> None:
    tables = {
        "RAS200": ras200(),
        "FOLK1E": folk1e(),
        "FOLK1C": folk1c(),
        "RAS201": ras201(),
        "LIGEUB1": ligeub1(),
        "KY038": ky038(),
        "STRAFNA6": strafna6(),
    }
    for name, data in tables.items():
        data = {"_comment": __doc__.split("\n\n", 1)[1].replace("\n", " ").strip(), **data}
        (HERE / f"{name}.tableinfo.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
