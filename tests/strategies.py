"""Hypothesis strategies for the models, registered so ``st.from_type`` builds valid ones."""

from __future__ import annotations

from hypothesis import strategies as st

from kommuneintegration.countries import ALL_CODES
from kommuneintegration.population.classification import Parent, Person

CODES = sorted(ALL_CODES)
# Denmark is one code in ~250 but most of the register: weight it so every rule is reached.
codes = st.one_of(
    st.just("DK"),
    st.sampled_from(["TR", "SY", "DE", "GB", "PK", "XS", "ZZ"]),
    st.sampled_from(CODES),
)
optional_codes = st.one_of(st.none(), codes)

complete_parents = st.builds(Parent, birth_country=codes, citizenship=codes)
parents = st.builds(Parent, birth_country=optional_codes, citizenship=optional_codes)

#: Persons whose own fields are recorded; parents may be unknown.
persons = st.builds(
    Person,
    birth_country=codes,
    citizenship=codes,
    mother=st.one_of(st.none(), complete_parents),
    father=st.one_of(st.none(), complete_parents),
)
#: Persons with any field missing, as a register has them.
incomplete_persons = st.builds(
    Person,
    birth_country=optional_codes,
    citizenship=optional_codes,
    mother=st.one_of(st.none(), parents),
    father=st.one_of(st.none(), parents),
)

st.register_type_strategy(Parent, parents)
st.register_type_strategy(Person, incomplete_persons)


def columns(people: list[Person]) -> dict[str, list[str]]:
    """The six input columns of ``classify_many`` for a list of persons ("" for unknown)."""

    def field(p: Parent | None, attr: str) -> str:
        return (getattr(p, attr) or "") if p is not None else ""

    return {
        "birth_country": [p.birth_country or "" for p in people],
        "citizenship": [p.citizenship or "" for p in people],
        "mother_birth_country": [field(p.mother, "birth_country") for p in people],
        "mother_citizenship": [field(p.mother, "citizenship") for p in people],
        "father_birth_country": [field(p.father, "birth_country") for p in people],
        "father_citizenship": [field(p.father, "citizenship") for p in people],
    }
