import io
import json

import attrs
import pytest
from helpers import make_strategy, obs

from kommuneintegration.builtin_rules import Movement, barometer_goal, barometer_movement
from kommuneintegration.evaluation import evaluate_all, evaluate_target
from kommuneintegration.hookspecs import hookimpl
from kommuneintegration.models import Municipality
from kommuneintegration.observations_csv import read_observations
from kommuneintegration.plugins import PluginHost
from kommuneintegration.rules import Evaluation, EvaluationRule, Status


def registry_with(strategy, rules=()):
    class City:
        @hookimpl
        def municipality(self):
            return Municipality("461", "Odense")

        @hookimpl
        def strategies(self):
            return [strategy]

        @hookimpl
        def evaluation_rules(self):
            return list(rules)

    host = PluginHost(load_entrypoints=False, strict=True)
    host.register(City(), name="odense")
    return host.registry()


def target(**kwargs):
    base = {"id": "t", "indicator": "rate", "wording": "w", "reading": "r"}
    return {**base, **kwargs}


def evaluate(targets, observations, rules=()):
    s = make_strategy(observations=observations, targets=targets)
    registry = registry_with(s, rules)
    return [evaluate_target(t, s, registry) for t in s.targets]


def test_level_target_missed_and_met_in_its_year():
    missed, met = evaluate(
        [
            target(
                id="a", kind="level", comparator="at-least", value=5.8, unit="percent", year=2018
            ),
            target(
                id="b", kind="level", comparator="at-least", value=4.0, unit="percent", year=2018
            ),
        ],
        [obs("rate", 4.3, group="non-western", year=2018)],
    )
    # 2018 has passed: a target not met by then is missed (ikke nået), not "not on track".
    assert missed.status is Status.MISSED
    assert missed.status.label == "ikke nået"
    assert "the deadline 2018 has passed" in missed.reason
    assert "4.3 % in 2018 against at least 5.8 %: short by 1.5 percentage points" in missed.reason
    assert met.status is Status.ACHIEVED


@pytest.mark.parametrize(("second", "status"), [(5.0, Status.ON_TRACK), (4.4, Status.NOT_ON_TRACK)])
def test_level_target_in_the_future_is_judged_by_trend(second, status):
    (result,) = evaluate(
        [target(kind="level", comparator="at-least", value=6.0, unit="percent", year=2030)],
        [
            obs("rate", 4.0, group="non-western", year=2018),
            obs("rate", second, group="non-western", year=2021),
        ],
    )
    assert result.status is status
    assert "on the same trend" in result.reason


def test_change_target_with_ambiguous_unit_shows_both_readings():
    # +2 points on 50 % is +4 % relative: "at least 3 %" is met in one reading only.
    (result,) = evaluate(
        [
            target(
                kind="change",
                comparator="at-least",
                value=3,
                unit="percentage_point",
                baseline_year=2007,
                alternative_unit="percent",
                alternative_reading="relative",
            )
        ],
        [
            obs("rate", 50, group="non-western", year=2007),
            obs("rate", 52, group="non-western", year=2010),
        ],
    )
    # Undated and moving the right way: on track, not yet achieved (3 points are asked).
    assert result.status is Status.ON_TRACK
    assert "change of +2 percentage points" in result.reason
    assert "the status depends on how the target's unit is read" in result.reason
    assert result.alternative.startswith("under the alternative reading: achieved")
    assert "Alternative reading: relative" in result.reading


def test_change_without_baseline_figure_is_not_evaluable_and_shows_progress():
    (result,) = evaluate(
        [
            target(
                kind="change",
                comparator="at-least",
                value=3,
                unit="percentage_point",
                baseline_year=2007,
            )
        ],
        [
            obs("rate", 35.6, group="non-western", year=2000),
            obs("rate", 50.9, group="non-western", year=2008),
        ],
    )
    assert result.status is Status.NOT_EVALUABLE
    assert "no figure for the baseline year 2007 (figures for 2000, 2008)" in result.reason
    assert (
        result.progress
        == "immigrants and descendants from non-Western countries: 35.6 % (2000) → 50.9 % (2008)"
    )


@pytest.mark.parametrize(
    ("direction", "later", "status"),
    [
        ("increase", 61, Status.ACHIEVED),
        ("increase", 59, Status.NOT_ON_TRACK),
        ("not-increase", 60, Status.ACHIEVED),
        ("decrease", 60, Status.NOT_ON_TRACK),
    ],
)
def test_direction_targets(direction, later, status):
    (result,) = evaluate(
        [target(kind="direction", direction=direction, baseline_year=2022, year=2026)],
        [
            obs("rate", 60, group="non-western", year=2022),
            obs("rate", later, group="non-western", year=2026),
        ],
    )
    assert result.status is status


def test_direction_without_later_figure():
    (result,) = evaluate(
        [target(kind="direction", direction="increase", baseline_year=2022)],
        [obs("rate", 60, group="non-western", year=2022)],
    )
    assert result.status is Status.NOT_EVALUABLE
    assert result.reason == (
        "immigrants and descendants from non-Western countries: "
        "no observation after the baseline 2022"
    )


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"kind": "unspecified", "placeholder": "X %"}, "no target value set in the source (X %)"),
        (
            {"kind": "reference", "reference": "the labour force"},
            "the sources do not give the reference (the labour force)",
        ),
        (
            {"kind": "direction", "direction": "increase", "indicator": None},
            "the source names no indicator for this target",
        ),
    ],
)
def test_not_evaluable_with_reason(kwargs, reason):
    (result,) = evaluate([target(**kwargs)], [obs("rate", 60, group="non-western", year=2022)])
    assert result.status is Status.NOT_EVALUABLE
    assert result.reason == reason


def test_subgroup_figures_are_used_and_named():
    (result,) = evaluate(
        [
            target(
                kind="direction",
                direction="increase",
                group="immigrants-and-descendants",
                baseline_year=2020,
            )
        ],
        [
            obs("rate", 50, group="non-western", year=2020),
            obs("rate", 55, group="non-western", year=2023),
            obs("rate", 70, group="danish-origin", year=2023),
        ],
    )
    assert result.status is Status.ACHIEVED
    assert (
        "uses figures for immigrants and descendants from non-Western countries, "
        "a part of immigrants and descendants, any origin" in result.reason
    )
    assert all(o.group == "non-western" for o in result.figures)


@pytest.mark.parametrize(
    ("baseline", "latest", "higher", "movement"),
    [
        (59.5, 60.4, True, Movement.UNCHANGED),
        (49.4, 50.5, True, Movement.POSITIVE),
        (50.5, 49.4, True, Movement.NEGATIVE),
        (20.0, 18.0, False, Movement.POSITIVE),
        (17.5, 18.4, True, Movement.UNCHANGED),
    ],
)
def test_barometer_movement_compares_rounded_values(baseline, latest, higher, movement):
    assert barometer_movement(baseline, latest, higher_is_better=higher) == movement


@pytest.mark.parametrize(
    ("moves", "goal"),
    [
        (["positive"], "positive"),
        (["positive", "positive", "negative"], "positive"),
        (["negative", "unchanged", "negative"], "negative"),
        (["positive", "negative", "unchanged"], "unchanged"),
    ],
)
def test_barometer_majority(moves, goal):
    assert barometer_goal(moves) == goal


def test_barometer_goal_with_two_indicators_moves_only_where_both_agree():
    assert barometer_goal(["positive", "positive"]) == "positive"
    assert barometer_goal(["positive", "negative"]) == "unchanged"
    with pytest.raises(ValueError, match="1 to 3 indicators"):
        barometer_goal(["positive"] * 4)


@pytest.mark.installed_plugins
def test_the_barometers_goals_move_by_the_majority_in_every_output():
    from kommuneintegration.cli import main

    out = io.StringIO()
    assert main(["--lang", "en", "compare", "-m", "000", "-f", "json"], out=out) == 0
    goals = {g["goal"]: g for g in json.loads(out.getvalue())["goal_movements"]}
    assert goals["goal-3"]["movement"] == "negative"  # one positive, two negative
    assert goals["goal-1"]["choice"] == "two-indicators"
    assert goals["goal-2"]["choice"] is None
    text = io.StringIO()
    assert main(["--lang", "da", "evaluate", "-m", "000"], out=text) == 0
    assert "Integrationsbarometerets bevægelse pr. mål:" in text.getvalue()
    assert "Danskkundskaber: negativ" in " ".join(text.getvalue().split())


def test_barometer_rule_on_a_target():
    (result,) = evaluate(
        [target(kind="direction", direction="increase", baseline_year=2012, rule="barometer")],
        [
            obs("rate", 57, group="non-western", year=2012),
            obs("rate", 67, group="non-western", year=2021),
        ],
    )
    assert result.rule == "barometer"
    assert result.status is Status.ON_TRACK
    assert result.reason.startswith(
        "Integrationsbarometer movement positive: immigrants and descendants from "
        "non-Western countries: 57 (2012) → 67 (2021)"
    )


def test_a_plugin_rule_decides_or_falls_back():
    always = EvaluationRule(
        "odense:always", "test", lambda t, o, c: Evaluation("achieved", "the plugin says so")
    )
    never = EvaluationRule("odense:abstain", "test", lambda t, o, c: None)
    decided, fallback = evaluate(
        [
            target(id="a", kind="direction", direction="increase", rule="odense:always"),
            target(id="b", kind="unspecified", placeholder="X %", rule="odense:abstain"),
        ],
        [obs("rate", 60, group="non-western", year=2022)],
        rules=[always, never],
    )
    assert (decided.status, decided.reason, decided.rule) == (
        Status.ACHIEVED,
        "the plugin says so",
        "odense:always",
    )
    assert (fallback.status, fallback.rule) == (Status.NOT_EVALUABLE, "default")


@pytest.mark.installed_plugins
def test_every_bundled_target_has_a_status_and_a_reason():
    registry = PluginHost(strict=True).registry()
    rows = evaluate_all(registry, municipalities=["101", "751", "851"])
    assert len(rows) == 22
    for row in rows:
        assert row.evaluation.reason.strip()
        assert row.evaluation.reading.strip()
    statuses = {row.target.id: row.evaluation.status for row in rows}
    assert statuses["workforce-target-2021"] is Status.MISSED
    assert statuses["hovedmaal-1-academic"] is Status.NOT_EVALUABLE
    assert statuses["employment-plus-3"] is Status.NOT_EVALUABLE


CSV_2026 = """municipality;indicator;group;age_band;year;value;unit;source
851;employment-frequency;indvandrere;18-19;2026;41,0;%;Statistikbanken RAS200
Aalborg;employment-frequency;efterkommere;18-19;2026;49.5;%;Statistikbanken RAS200
851;employment-frequency;immigrants;20-24;2026;abc;%;Statistikbanken RAS200
851;no-such-indicator;immigrants;20-24;2026;50;%;Statistikbanken RAS200
999;employment-frequency;immigrants;20-24;2026;50;%;Statistikbanken RAS200
851;employment-frequency;immigrants;20-24;26;50;%;Statistikbanken RAS200
851;employment-frequency;immigrants;20-24;2026;50;persons;Statistikbanken RAS200
851;employment-frequency;immigrants;20-24;2026;50;%;
851;employment-frequency;immigrants;20-24;2026;50
"""


@pytest.mark.installed_plugins
def test_csv_observations_reject_bad_rows_keep_the_rest_and_evaluate_again():
    registry = PluginHost(strict=True).registry()
    loaded = read_observations(io.StringIO(CSV_2026), registry, name="2026.csv")
    assert loaded.rows == 9
    assert loaded.accepted == 2
    assert [(e.line, e.reason.split(":")[0]) for e in loaded.errors] == [
        (4, "value"),
        (5, "indicator"),
        (6, "municipality"),
        (7, "year"),
        (8, "unit"),
        (9, "source"),
        (10, "expected 8 columns, found 6"),
    ]
    assert str(loaded.errors[0]) == (
        "2026.csv, line 4: value: expected a number such as 5.4 or 5,4"
        " (no exponents, underscores or words), got 'abc'"
    )
    before = {r.target.id: r.evaluation for r in evaluate_all(registry)}
    after = {r.target.id: r.evaluation for r in evaluate_all(registry, dict(loaded.observations))}
    assert before["g1-employment-raised"].status is Status.NOT_EVALUABLE
    result = after["g1-employment-raised"]
    assert (
        result.status is Status.ON_TRACK
    )  # both series with a 2026 figure rose; four have none yet
    assert "judged on 2 of 6 series" in result.reason
    assert "18-19-year-old immigrants: 38.8 % (2022) → 41 % (2026)" in result.reason
    assert "18-19-year-old descendants: 46.8 % (2022) → 49.5 % (2026)" in result.reason
    assert "; should increase" in result.reason  # said once, for every series
    assert result.reason.count("should increase") == 1
    (new,) = [o for o in result.figures if o.year == 2026 and o.group == "immigrants"]
    assert new.provenance.document == "Statistikbanken RAS200"
    assert new.provenance.section == "2026.csv, line 2"


def test_csv_needs_its_columns():
    registry = registry_with(make_strategy())
    with pytest.raises(ValueError, match="missing column"):
        read_observations(io.StringIO("municipality,indicator\n461,rate\n"), registry)


def test_evaluation_is_immutable():
    (result,) = evaluate([target(kind="unspecified")], [])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.status = Status.ACHIEVED


def test_as_of_leaves_out_later_figures():
    # Three figures; as of 2019 only the first counts, so there is no trend yet.
    s = make_strategy(
        observations=[
            obs("rate", 4.0, group="non-western", year=2018),
            obs("rate", 5.0, group="non-western", year=2021),
            obs("rate", 7.0, group="non-western", year=2024),
        ],
        targets=[target(kind="level", comparator="at-least", value=6.0, unit="percent", year=2024)],
    )
    registry = registry_with(s)
    (t,) = s.targets
    now = evaluate_target(t, s, registry)
    then = evaluate_target(t, s, registry, as_of=2019)
    assert now.status is Status.ACHIEVED
    assert [o.year for o in now.figures] == [2018, 2021, 2024]
    assert then.status is Status.NOT_EVALUABLE
    assert [o.year for o in then.figures] == [2018]
    assert "as of" not in then.reason.lower()  # said once per block of output, not per reason
    # As of 2021: 4 % -> 5 % projects to 6.0 % in 2024, on track by the trend.
    then = evaluate_target(t, s, registry, as_of=2021)
    assert then.status is Status.ON_TRACK
    assert "on the same trend 6 % in 2024" in then.reason


@pytest.mark.installed_plugins
def test_evaluate_as_of_on_the_command_line():
    from kommuneintegration.cli import main

    out = io.StringIO()
    assert main(["evaluate", "-m", "851", "--as-of", "2019", "-f", "json"], out=out) == 0
    rows = json.loads(out.getvalue())
    assert rows
    assert all(r["as_of"] == 2019 for r in rows)
    # Aalborg's strategy (undated, 2023-2026) did not exist in 2019: no target is judged then.
    assert {r["status"] for r in rows} == {"not-evaluable"}
    assert all("not yet in force in 2019: it counts from 2023" in r["reason"] for r in rows)
    text = io.StringIO()
    assert main(["--lang", "da", "evaluate", "-m", "851", "--as-of", "2024"], out=text) == 0
    shown = text.getvalue()
    assert shown.count("Vurderet pr. 2024") == 1  # once, not in every reason
    for bad in ("0", "1800", str(10**11)):
        err = io.StringIO()
        assert main(["evaluate", "--as-of", bad], out=err) == 1


@pytest.mark.parametrize(
    ("behaviour", "words"),
    [
        ("raise", "raised ZeroDivisionError: division by zero"),
        ("exit", "raised SystemExit: 3"),
        ("int", "returned int 42, not an Evaluation or None"),
    ],
)
def test_a_failing_rule_costs_only_its_target(behaviour, words):
    def boom(target, observations, context):
        if behaviour == "raise":
            return 1 / 0
        if behaviour == "exit":
            raise SystemExit(3)
        return 42

    s = make_strategy(
        observations=[obs("rate", 50, group="non-western", year=2020)],
        targets=[
            target(id="broken", kind="unspecified", rule="boom"),
            target(id="fine", kind="unspecified"),
        ],
    )
    registry = registry_with(s, [EvaluationRule("boom", "fails", boom)])
    rows = {r.target.id: r.evaluation for r in evaluate_all(registry)}
    broken = rows["broken"]
    assert broken.status is Status.RULE_ERROR
    assert broken.status.label == "fejl i vurderingsregel"
    assert f"rule 'boom' of plugin 'odense' {words}" in broken.reason
    assert rows["fine"].status is Status.NOT_EVALUABLE


def test_a_level_target_is_judged_on_figures_up_to_its_deadline():
    (result,) = evaluate(
        [target(kind="level", comparator="at-least", value=6.0, unit="percent", year=2020)],
        [
            obs("rate", 5.0, group="non-western", year=2020),
            obs("rate", 7.0, group="non-western", year=2022),  # after the deadline: shown, not used
        ],
    )
    assert result.status is Status.MISSED
    assert "5 % in 2020 against at least 6 %" in result.reason
    assert "7 % (2022)" in result.progress
    (late,) = evaluate(
        [target(kind="level", comparator="at-least", value=6.0, unit="percent", year=2019)],
        [obs("rate", 7.0, group="non-western", year=2022)],
    )
    assert late.status is Status.NOT_EVALUABLE
    assert "only figures after the deadline 2019" in late.reason


def test_disagreeing_figures_are_named_and_identical_ones_merged():
    s = make_strategy(
        observations=[obs("rate", 5.4, group="non-western", year=2021)],
        targets=[target(kind="level", comparator="at-least", value=6.3, unit="percent", year=2021)],
    )
    registry = registry_with(s)
    (t,) = s.targets
    other = attrs.evolve(
        obs_model(6.4, "extra.csv, line 2"), indicator="rate", group="non-western", year=2021
    )
    same = attrs.evolve(other, value=5.4, provenance=attrs.evolve(other.provenance, section="l3"))
    result = evaluate_target(t, s, registry, extra=[other, same])
    # The document's own 5.4 % decides, and the reason names the 6.4 % it did not use.
    assert result.status is Status.MISSED
    assert "used 5.4 % (test.txt, Tabel 1)" in result.reason
    assert "not used 6.4 % (Statistikbanken, extra.csv, line 2)" in result.reason
    assert [o.value for o in result.figures] == [5.4]
    # The group is named in words, as a reader knows it, not by its id.
    assert (
        "figures disagree for rate, immigrants and descendants from non-Western countries 2021"
        in result.reason
    )


def obs_model(value, section):
    from kommuneintegration.models import Observation, Provenance

    return Observation("rate", value, "percent", Provenance("Statistikbanken", section))


@pytest.mark.installed_plugins
def test_a_field_over_128_kib_costs_its_row_only():
    from kommuneintegration.plugins import get_host

    long_source = "x" * 200_000
    text = (
        "municipality,indicator,group,age_band,year,value,unit,source\n"
        f"851,employment-frequency,immigrants,18-19,2025,44,percent,{long_source}\n"
        "851,employment-frequency,immigrants,18-19,2026,45,percent,DST\n"
        "851,employment-frequency,immigrants,18-19,20x6,45,percent,DST\n"
    )
    loaded = read_observations(io.StringIO(text), get_host().registry(), name="big.csv")
    assert loaded.rows == 3
    assert loaded.accepted == 2  # the long source is only a long value
    (error,) = loaded.errors
    assert "big.csv, line 4" in str(error)  # the right line
