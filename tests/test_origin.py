"""Origin classification: named examples from the definitions, then properties."""

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import columns, complete_parents, incomplete_persons, persons

from kommuneintegration.countries import UnknownCountryError
from kommuneintegration.population.classification import (
    COLUMNS,
    InvalidCodesError,
    Origin,
    Parent,
    Person,
    classify,
    classify_many,
)
from kommuneintegration.population.columns import reader

DANISH_PARENT = Parent("DK", "DK")


# --- the enum -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("indvandrer", Origin.IMMIGRANT),
        ("Indvandrere", Origin.IMMIGRANT),
        ("efterkommer", Origin.DESCENDANT),
        ("efterkommere", Origin.DESCENDANT),
        ("dansk oprindelse", Origin.DANISH),
        ("immigrant", Origin.IMMIGRANT),
        ("DESCENDANT", Origin.DESCENDANT),
        ("danish", Origin.DANISH),
        (2, Origin.IMMIGRANT),
    ],
)
def test_parse(text, origin):
    assert Origin.parse(text) is origin


def test_labels_are_the_official_terms():
    assert Origin.DANISH.label == "dansk oprindelse"
    assert Origin.IMMIGRANT.label == "indvandrer"
    assert Origin.DESCENDANT.label == "efterkommer"
    assert [int(o) for o in (Origin.DANISH, Origin.IMMIGRANT, Origin.DESCENDANT)] == [
        1,
        2,
        3,
    ]  # DST IE_TYPE


def test_parse_rejects_unknown():
    with pytest.raises(ValueError, match="unknown origin 'udlænding'"):
        Origin.parse("udlænding")


# --- named examples: the definitions at the end of seed 003 ------------------------


def test_immigrant_born_abroad_no_parent_danish():
    # "Indvandrere er født i udlandet. Ingen af forældrene er både danske
    # statsborgere og født i Danmark."
    result = classify(Person("TR", "TR", mother=Parent("TR", "TR"), father=Parent("TR", "TR")))
    assert (result.origin, result.country_of_origin) == (Origin.IMMIGRANT, "TR")


def test_immigrant_when_no_parent_known_and_born_abroad():
    # "Hvis der ikke findes oplysninger om nogen af forældrene, og personen er født i udlandet ..."
    assert classify(Person("SY", "DK")).origin is Origin.IMMIGRANT
    assert classify(Person("SY", "DK")).country_of_origin == "SY"


def test_descendant_born_in_denmark_no_parent_danish():
    result = classify(Person("DK", "DK", mother=Parent("PK", "PK"), father=Parent("PK", "DK")))
    assert (result.origin, result.country_of_origin) == (Origin.DESCENDANT, "PK")


def test_descendant_when_no_parent_known_and_foreign_citizen():
    # "... og personen er udenlandsk statsborger, opfattes personen også som efterkommer."
    result = classify(Person("DK", "IQ"))
    assert (result.origin, result.country_of_origin) == (Origin.DESCENDANT, "IQ")


def test_no_parent_known_born_in_denmark_danish_citizen_is_danish_origin():
    assert classify(Person("DK", "DK")).origin is Origin.DANISH


def test_third_generation_depends_on_parents_citizenship():
    # "Fastholder danskfødte forældre imidlertid begge et udenlandsk
    # statsborgerskab ... efterkommere."
    child = Person("DK", "DK", mother=Parent("DK", "TR"), father=Parent("DK", "TR"))
    result = classify(child)
    assert (result.origin, result.country_of_origin) == (Origin.DESCENDANT, "TR")
    # "Når en eller begge forældre, der er født i Danmark, opnår dansk statsborgerskab ..."
    naturalised = attrs.evolve(child, father=Parent("DK", "DK"))
    assert classify(naturalised).origin is Origin.DANISH


def test_mixed_couple_child_is_danish_origin_wherever_born():
    for born in ("DK", "US", "TH"):
        result = classify(Person(born, "DK", mother=Parent("TH", "TH"), father=DANISH_PARENT))
        assert (result.origin, result.country_of_origin) == (Origin.DANISH, "DK")


def test_danish_citizen_parent_born_abroad_does_not_count():
    # A Danish citizen born abroad fails the "born in Denmark" test.
    result = classify(Person("DK", "DK", mother=Parent("US", "DK")))
    assert (result.origin, result.country_of_origin) == (Origin.DESCENDANT, "US")


def test_one_parent_known_rests_on_that_parent():
    assert classify(Person("DK", "DK", father=DANISH_PARENT)).origin is Origin.DANISH
    result = classify(Person("DE", "DE", father=Parent("DK", "SE")))
    assert (result.origin, result.country_of_origin) == (Origin.IMMIGRANT, "SE")


def test_both_known_country_of_origin_is_the_mothers():
    result = classify(Person("DK", "DK", mother=Parent("IR", "IR"), father=Parent("IQ", "IQ")))
    assert result.country_of_origin == "IR"
    result = classify(Person("DK", "DK", mother=Parent("DK", "LB"), father=Parent("IQ", "IQ")))
    assert result.country_of_origin == "LB"  # mother born in Denmark: her citizenship


def test_undetermined_when_own_birth_country_missing():
    assert classify(Person(None, "TR", mother=Parent("TR", "TR"))).origin is Origin.UNDETERMINED
    assert classify(Person(None, None, mother=DANISH_PARENT)).origin is Origin.DANISH
    assert classify(Person("DK", None)).origin is Origin.UNDETERMINED


def test_person_accepts_names_and_rejects_unknown():
    assert Person("Tyrkiet", "tyrkiet").birth_country == "TR"
    with pytest.raises(UnknownCountryError):
        Person("Narnia", "DK")


# --- properties -----------------------------------------------------------------


@given(incomplete_persons)
def test_total_and_exclusive(person):
    result = classify(person)
    assert isinstance(result.origin, Origin)
    assert sum(result.origin is o for o in Origin) == 1
    if person.birth_country is not None and (
        person.citizenship is not None or person.birth_country != "DK"
    ):
        assert result.origin is not Origin.UNDETERMINED


@given(persons)
def test_born_abroad_is_never_a_descendant(person):
    if person.birth_country != "DK":
        assert classify(person).origin is not Origin.DESCENDANT


@given(persons, st.sampled_from(["mother", "father"]))
def test_a_danish_parent_makes_danish_origin(person, which):
    assert classify(attrs.evolve(person, **{which: DANISH_PARENT})).origin is Origin.DANISH


@given(persons, st.sampled_from(["mother", "father"]), st.sampled_from(["TR", "PK", "SE", "XS"]))
def test_danish_born_parent_naturalising_turns_descendant_into_danish(person, which, foreign):
    before = attrs.evolve(person, birth_country="DK", **{which: Parent("DK", foreign)})
    after = attrs.evolve(before, **{which: Parent("DK", "DK")})
    if classify(before).origin is Origin.DESCENDANT:
        assert classify(after).origin is Origin.DANISH


@given(persons)
def test_country_of_origin_never_dk_for_immigrants_and_descendants(person):
    result = classify(person)
    if result.origin in (Origin.IMMIGRANT, Origin.DESCENDANT):
        assert result.country_of_origin not in (None, "DK")
    if result.origin is Origin.DANISH:
        assert result.country_of_origin == "DK"


@given(persons, complete_parents)
def test_fathers_data_does_not_matter_when_mother_decides(person, father):
    old_father_danish = person.father is not None and person.father.is_danish_origin
    if person.mother is not None and not old_father_danish and not father.is_danish_origin:
        assert (
            classify(attrs.evolve(person, father=father)).country_of_origin
            == classify(person).country_of_origin
        )


def _as_pairs(people):
    return [(c.origin, c.country_of_origin or "") for c in map(classify, people)]


@settings(max_examples=200)
@given(st.lists(incomplete_persons, max_size=60), st.integers(1, 70))
def test_classify_and_classify_many_agree(people, block):
    """As lists and as object arrays, in blocks of any size (objects are hashed per block)."""
    import kommuneintegration.population.classification as origin_module

    saved = origin_module.BLOCK_ROWS
    origin_module.BLOCK_ROWS = block
    try:
        as_objects = {k: np.array(v, dtype=object) for k, v in columns(people).items()}
        by_objects = classify_many(**as_objects)
        result = classify_many(**columns(people))
    finally:
        origin_module.BLOCK_ROWS = saved
    assert by_objects.origin.tolist() == result.origin.tolist()
    assert by_objects.country_index.tolist() == result.country_index.tolist()
    assert len(result) == len(people)
    assert list(
        zip(map(Origin, result.origin.tolist()), result.country_of_origin.tolist(), strict=True)
    ) == _as_pairs(people)
    counts = result.counts()
    assert sum(counts.values()) == len(people)
    for origin, n in counts.items():
        assert n == sum(c.origin is origin for c in map(classify, people))


@given(st.lists(incomplete_persons, min_size=1, max_size=30))
def test_input_containers_agree(people):
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    cols = columns(people)
    expected = classify_many(**cols)
    variants = [
        {k: np.array(v, dtype="<U2") for k, v in cols.items()},
        {k: np.array(v, dtype="S2") for k, v in cols.items()},
        {k: np.array([x or None for x in v], dtype=object) for k, v in cols.items()},
        {k: pd.Series([x or None for x in v], dtype=object) for k, v in cols.items()},
        {k: pd.Series(v, dtype="string") for k, v in cols.items()},
        {k: pa.array([x or None for x in v]) for k, v in cols.items()},
        {k: pa.array(v) for k, v in cols.items()},  # "" rather than null
        {k: pa.array(v, pa.large_string()) for k, v in cols.items()},
        {k: pa.array(["ZZ", *v])[1:] for k, v in cols.items()},  # a slice: an offset into buffers
        {k: pa.chunked_array([v[:1], v[1:]]) for k, v in cols.items()},
        {k: pa.array(v).dictionary_encode() for k, v in cols.items()},
        # Slices with nulls: offsets into the indices and into the validity bitmap.
        {k: pa.array(["ZZ", *(x or None for x in v)])[1:] for k, v in cols.items()},
        {
            k: pa.array(["ZZ", *(x or None for x in v)]).dictionary_encode()[1:]
            for k, v in cols.items()
        },
        {k: np.array(v, dtype="<U3") for k, v in cols.items()},
        {k: np.array([x.lower() for x in v], dtype="<U8") for k, v in cols.items()},
    ]
    for variant in variants:
        got = classify_many(**variant)
        np.testing.assert_array_equal(got.origin, expected.origin)
        np.testing.assert_array_equal(got.country_of_origin, expected.country_of_origin)


ODD_VALUES = st.one_of(
    st.sampled_from(
        ["DK", "TR", "IQ", "dk", "tr", "", "D", "T", "DNK", "Dk", "ÆØ", "Ø", "Tyrkiet"]
    ),
    st.none(),
    st.text(max_size=3),
)


@given(
    st.lists(incomplete_persons, max_size=40),
    st.sets(st.sampled_from(["TR", "IQ", "SE", "DK", "de", "XX", ""]), max_size=4),
    st.sets(st.sampled_from(list(Origin)), max_size=4),
)
def test_row_masks_agree_with_the_strings(people, members, origins):
    """in_countries and has_origin look rows up by code index; they must select what the
    alpha-2 strings and the origin values say ("" is no country; codes in any case)."""
    result = classify_many(**columns(people))
    wanted = {m.upper() for m in members} - {""}
    expected = [c in wanted for c in result.country_of_origin.tolist()]
    assert result.in_countries(members).tolist() == expected
    assert result.has_origin(origins).tolist() == [Origin(o) in origins for o in result.origin]


@settings(max_examples=150)
@given(
    st.lists(st.tuples(*[ODD_VALUES] * 6), min_size=1, max_size=40),
    st.integers(1, 8),
)
def test_pyarrow_strings_read_as_python_strings_do(rows, block):
    """Two-byte codes at even offsets take the aligned path, anything else the general one:
    both must read every value (odd lengths, non-ASCII bytes, nulls) as the object path does."""
    pa = pytest.importorskip("pyarrow")
    import kommuneintegration.population.classification as origin_module

    saved = origin_module.BLOCK_ROWS
    origin_module.BLOCK_ROWS = block  # small blocks: aligned and unaligned ones in one call
    try:
        columns_ = list(zip(*rows, strict=True))
        by_arrow = classify_many(
            *(pa.array(list(c), pa.string()) for c in columns_), errors="coerce"
        )
        by_python = classify_many(*(np.array(c, dtype=object) for c in columns_), errors="coerce")
    finally:
        origin_module.BLOCK_ROWS = saved
    assert by_arrow.origin.tolist() == by_python.origin.tolist()
    assert by_arrow.country_index.tolist() == by_python.country_index.tolist()
    assert by_arrow.coerced == by_python.coerced


@pytest.mark.parametrize(
    "column",
    [["DK", "D"], ["DK", ""], ["", ""], ["DK", "DNK"], ["DK", None], ["D"], [""], ["TR", "Ø"]],
)
def test_the_end_of_a_pyarrow_buffer_is_read_as_python_reads_it(column):
    """The last string may start at the buffer's last byte or past it: its length decides."""
    pa = pytest.importorskip("pyarrow")
    by_arrow = classify_many(*[pa.array(column, pa.string())] * 6, errors="coerce")
    by_python = classify_many(*[np.array(column, dtype=object)] * 6, errors="coerce")
    assert by_arrow.origin.tolist() == by_python.origin.tolist()
    assert by_arrow.country_index.tolist() == by_python.country_index.tolist()
    assert by_arrow.coerced == by_python.coerced


def test_invalid_codes_raise_with_argument_count_and_rows():
    cols = {name: ["DK"] * 8 for name in COLUMNS}
    cols["mother_citizenship"] = ["DK", "XQ", "DK", "Tyrkiet", "DK", "dnk", "", "1"]
    with pytest.raises(InvalidCodesError) as info:
        classify_many(**cols)
    err = info.value
    assert err.argument == "mother_citizenship"
    assert err.count == 4
    assert err.examples == [(1, "XQ"), (3, "Tyrkiet"), (5, "dnk"), (7, "1")]
    assert "mother_citizenship: 4 invalid country codes, first at row 1 ('XQ')" in str(err)


@pytest.mark.parametrize(
    "kind", ["list", "object", "str", "category", "object Series", "pyarrow dictionary"]
)
def test_invalid_values_are_reported_by_row_position_from_every_input(kind):
    """Each kind of input names the row (its position, not a pandas label) and the value."""
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    bad = ["DK", "XQ", None, "Tyrkiet"]
    index = [10, 20, 30, 40]  # labels that are not positions
    make = {
        "list": lambda v: v,
        "object": lambda v: np.array(v, dtype=object),
        "str": lambda v: pd.Series(v, dtype="str", index=index),
        "category": lambda v: pd.Series(v, dtype="category", index=index),
        "object Series": lambda v: pd.Series(v, dtype=object, index=index),
        "pyarrow dictionary": lambda v: pa.array(v).dictionary_encode(),
    }[kind]
    cols = {name: make(["DK"] * 4) for name in COLUMNS}
    cols["father_birth_country"] = make(bad)
    with pytest.raises(InvalidCodesError) as info:
        classify_many(**cols)
    assert info.value.argument == "father_birth_country"
    assert info.value.examples == [(1, "XQ"), (3, "Tyrkiet")]


def test_an_unhashable_object_is_an_invalid_code_not_a_crash():
    good = np.array(["DK", None, "TR"], dtype=object)
    odd = good.copy()
    odd[1] = ["x"]
    with pytest.raises(
        InvalidCodesError, match=r"father_citizenship: 1 invalid .* row 1 \(\['x'\]\)"
    ):
        classify_many(good, good, good, good, good, odd)
    assert (
        classify_many(good, good, good, good, good, odd, errors="coerce").coerced[
            "father_citizenship"
        ]
        == 1
    )


def test_coerce_treats_invalid_as_unknown_and_reports():
    cols = {name: ["DK", "DK"] for name in COLUMNS}
    cols["birth_country"] = ["Danmark", "DK"]
    result = classify_many(**cols, errors="coerce")
    assert result.coerced["birth_country"] == 1
    assert result.origin.tolist() == [
        Origin.DANISH,
        Origin.DANISH,
    ]  # a Danish parent decides anyway
    assert "invalid codes treated as unknown: 1" in result.summary()


def test_misaligned_and_bad_errors_argument():
    cols = {name: ["DK"] for name in COLUMNS}
    with pytest.raises(ValueError, match="must align"):
        classify_many(**{**cols, "father_citizenship": ["DK", "DK"]})
    with pytest.raises(ValueError, match="errors must be"):
        classify_many(**cols, errors="ignore")  # type: ignore[arg-type]


@settings(max_examples=100)
@given(
    st.lists(st.tuples(*[ODD_VALUES] * 6), min_size=1, max_size=30),
    st.sampled_from(["str", "string[pyarrow]", "string[python]", "arrow", "category"]),
)
def test_pandas_storage_reads_as_python_strings_do(rows, storage):
    """Arrow-backed strings go to the Arrow reader, categoricals give their codes: each
    must read every value as the object path does."""
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    dtype = pd.ArrowDtype(pa.string()) if storage == "arrow" else storage
    columns_ = list(zip(*rows, strict=True))
    by_pandas = classify_many(*(pd.Series(list(c), dtype=dtype) for c in columns_), errors="coerce")
    by_python = classify_many(*(np.array(c, dtype=object) for c in columns_), errors="coerce")
    assert by_pandas.origin.tolist() == by_python.origin.tolist()
    assert by_pandas.country_index.tolist() == by_python.country_index.tolist()
    assert by_pandas.coerced == by_python.coerced


def test_pandas_nan_is_unknown():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({name: ["DK", np.nan] for name in COLUMNS})
    frame.loc[1, "birth_country"] = "TR"
    result = classify_many(*(frame[c] for c in COLUMNS))
    assert result.origin.tolist() == [Origin.DANISH, Origin.IMMIGRANT]
    assert result.country_of_origin.tolist() == ["DK", "TR"]


def test_empty_population():
    result = classify_many(*([[]] * 6))
    assert len(result) == 0
    assert sum(result.counts().values()) == 0


@settings(max_examples=80)
@given(
    st.lists(
        st.one_of(st.sampled_from([208, 792, 368, -1, 0, 999, 1000]), st.integers(-32768, 32767)),
        min_size=6,
        max_size=60,
    ),
    st.sampled_from([np.int16, np.uint16, np.int8, np.int32]),
)
def test_every_integer_width_reads_the_codes_the_same(values, dtype):
    """Two-byte codes go through one 65,536-entry table; they must read as the wide path does."""
    info = np.iinfo(dtype)
    values = [min(max(v, info.min), info.max) for v in values]
    n = len(values) // 6
    columns_ = [values[k * n : (k + 1) * n] for k in range(6)]
    narrow = classify_many(*(np.array(c, dtype=dtype) for c in columns_), errors="coerce")
    wide = classify_many(*(np.array(c, dtype=np.int64) for c in columns_), errors="coerce")
    assert narrow.origin.tolist() == wide.origin.tolist()
    assert narrow.country_index.tolist() == wide.country_index.tolist()
    assert narrow.coerced == wide.coerced


@settings(max_examples=120)
@given(
    st.lists(st.sampled_from([208, 792, 368, 752, -1, -7]), min_size=6, max_size=90),
    st.lists(st.tuples(st.integers(0, 89), st.sampled_from([0, 999, 1000, 32767])), max_size=2),
    st.integers(1, 9),
    st.sampled_from(["raise", "coerce"]),
)
def test_int16_table_path_agrees_with_the_general_path(values, invalid, block, errors):
    """Six int16 columns are classified straight from their bits, block by block; a block
    with an invalid code goes the general way. Both must give what int64 input gives
    (the general path), and report the same invalid rows."""
    import kommuneintegration.population.classification as origin_module

    for position, bad in invalid:
        if position < len(values):
            values[position] = bad
    n = len(values) // 6
    columns_ = [values[k * n : (k + 1) * n] for k in range(6)]
    narrow = [np.array(c, dtype=np.int16) for c in columns_]
    assert origin_module._TablePath.of([reader(c) for c in narrow]) is not None
    saved = origin_module.BLOCK_ROWS
    origin_module.BLOCK_ROWS = block  # blocks with and without invalid codes in one call
    try:
        outcomes = []
        for given in (narrow, [np.array(c, dtype=np.int64) for c in columns_]):
            try:
                result = classify_many(*given, errors=errors)
            except InvalidCodesError as error:
                outcomes.append(str(error))
            else:
                outcomes.append(
                    (result.origin.tolist(), result.country_index.tolist(), result.coerced)
                )
    finally:
        origin_module.BLOCK_ROWS = saved
    assert outcomes[0] == outcomes[1]


def test_mixed_integer_kinds_take_the_general_path():
    """int16 beside uint16 reads the same bits differently: no shared table, same answers."""
    import kommuneintegration.population.classification as origin_module

    signed = [np.array([208, 792, -1], dtype=np.int16)] * 6
    mixed = [*signed[:5], np.array([208, 792, 0xFFFF], dtype=np.uint16)]
    assert origin_module._TablePath.of([reader(c) for c in mixed]) is None
    with pytest.raises(InvalidCodesError, match=r"father_citizenship: 1 invalid"):
        classify_many(*mixed)
    assert classify_many(*mixed[:5], signed[5]).origin.tolist() == [1, 2, 0]


@settings(max_examples=100)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([208, 792, 368, 752, -1, -7, 0, 999, 1000, None]),
            st.integers(-(2**40), 2**40),
        ),
        min_size=6,
        max_size=60,
    ),
    st.sampled_from(
        [
            "pandas int64",
            "pandas Int64",
            "pyarrow int64",
            "pyarrow nulls",
            "pyarrow chunked floats",
            "float",
            "pandas float",
        ]
    ),
)
def test_integer_codes_read_alike_from_every_container(values, container):
    """ISO numeric codes in a pandas column, pandas' nullable integers, an Arrow array or
    floats (as a column with gaps reads) mean what they mean in a numpy int64 array; a
    gap (None, NA, null, NaN) is not recorded, as a negative code is."""
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    if container in ("pandas int64", "pyarrow int64"):
        values = [-1 if v is None else v for v in values]
    n = len(values) // 6
    columns_ = [values[k * n : (k + 1) * n] for k in range(6)]
    make = {
        "pandas int64": lambda c: pd.Series(c, dtype="int64"),
        "pandas Int64": lambda c: pd.Series(c, dtype="Int64"),
        "pyarrow int64": lambda c: pa.array(c, pa.int64()),
        # A slice (an offset into the data and the validity bitmap) with nulls.
        "pyarrow nulls": lambda c: pa.array([7, *c], pa.int64())[1:],
        "pyarrow chunked floats": lambda c: pa.chunked_array(
            [pa.array(c[:1], pa.float64()), pa.array(c[1:], pa.float64())]
        ),
        "float": lambda c: np.array([np.nan if v is None else v for v in c], dtype=float),
        "pandas float": lambda c: pd.Series([np.nan if v is None else v for v in c], dtype=float),
    }[container]
    given = classify_many(*(make(c) for c in columns_), errors="coerce")
    plain = [np.array([-1 if v is None else v for v in c], dtype=np.int64) for c in columns_]
    expected = classify_many(*plain, errors="coerce")
    assert given.origin.tolist() == expected.origin.tolist()
    assert given.country_index.tolist() == expected.country_index.tolist()
    assert given.coerced == expected.coerced


def test_nullable_integers_report_an_invalid_code_as_an_integer():
    pd = pytest.importorskip("pandas")
    good = pd.Series([208, None, 792], dtype="Int64")
    bad = pd.Series([208, None, 999], dtype="Int64")
    with pytest.raises(
        InvalidCodesError, match=r"father_citizenship: 1 invalid .* row 2 \(999\)"
    ) as info:
        classify_many(good, good, good, good, good, bad)
    assert "numbers are ISO 3166-1 numeric codes (208 Denmark)" in str(info.value)
    assert "alpha-2" not in str(info.value)


def test_a_number_with_a_fraction_is_an_invalid_code_reported_as_given():
    codes = [np.array([208.0, 792.0, np.nan, -3.0])] * 5 + [np.array([208.0, 792.5, 368.0, 1e300])]
    with pytest.raises(
        InvalidCodesError, match=r"father_citizenship: 2 invalid .* row 1 \(792\.5\), row 3"
    ):
        classify_many(*codes)
    result = classify_many(*codes, errors="coerce")
    assert result.country_of_origin.tolist()[:3] == ["DK", "TR", ""]


def test_integer_codes_are_iso_numeric():
    # ISO 3166-1 numeric: 208 Denmark, 792 Türkiye, 368 Iraq; negative: not recorded.
    codes = {
        "birth_country": np.array([208, 792, 368, 208, 999]),
        "citizenship": np.array([208, 792, 368, 792, 208]),
        "mother_birth_country": np.array([208, 792, -1, 792, 208]),
        "mother_citizenship": np.array([208, 792, -1, 792, 208]),
        "father_birth_country": np.array([-1, -1, -1, 792, 208], dtype=np.int16),
        "father_citizenship": np.array([-1, -1, -1, 792, 208], dtype=np.int16),
    }
    with pytest.raises(
        InvalidCodesError, match=r"birth_country: 1 invalid country code, first at row 4 \(999\)"
    ):
        classify_many(**codes)
    result = classify_many(**codes, errors="coerce")
    assert result.country_of_origin.tolist()[:4] == ["DK", "TR", "IQ", "TR"]
    assert [Origin(o) for o in result.origin[:4]] == [
        Origin.DANISH,
        Origin.IMMIGRANT,
        Origin.IMMIGRANT,
        Origin.DESCENDANT,
    ]
