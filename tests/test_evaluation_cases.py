"""Evaluation on new figures: each case a careful reading found, fixed by class (issue 22).

Every test builds a throwaway strategy with invented figures, as fetch and CSV
files bring them, and checks the status, the reason's words and the second
method (Statistics Canada's distance to target).
"""

from __future__ import annotations

import io
import math

import attrs
import pytest
from helpers import make_strategy, obs
from test_evaluation import registry_with, target

from kommuneintegration.evaluation import check_as_of, evaluate_target
from kommuneintegration.i18n import use_language
from kommuneintegration.models import Comparator, Observation, Provenance
from kommuneintegration.rules import (
    EvaluationRule,
    ProgressStatus,
    RuleContext,
    Status,
    combine,
    distance_to_target,
    endpoints,
    methods_disagree,
    series,
)

RISING = [
    obs("rate", 40, group="non-western", year=2022),
    obs("rate", 44, group="non-western", year=2024),
]


def _one(targets, observations, as_of=None):
    s = make_strategy(observations=observations, targets=targets)
    registry = registry_with(s)
    return [evaluate_target(t, s, registry, as_of=as_of) for t in s.targets]


def _direction(**extra):
    return target(kind="direction", direction="increase", baseline_year=2022, year=2026, **extra)


# --- a past deadline is achieved, missed or not evaluable --------------------------------------


@pytest.mark.parametrize(
    ("later", "status"),
    [
        ([], Status.NOT_EVALUABLE),  # rising to 2024, nothing for 2026
        ([obs("rate", 47, group="non-western", year=2026)], Status.ACHIEVED),
        ([obs("rate", 38, group="non-western", year=2026)], Status.MISSED),
    ],
)
def test_a_direction_target_past_its_deadline_is_never_on_track(later, status):
    (result,) = _one([_direction()], RISING + later, as_of=2030)
    assert result.status is status
    assert result.status not in (Status.ON_TRACK, Status.NOT_ON_TRACK)
    if status is Status.NOT_EVALUABLE:
        assert "no figure for the deadline 2026" in result.reason


def test_some_series_achieved_and_the_rest_unknown_is_not_achieved_once_closed():
    figures = [
        *RISING,
        obs("rate", 47, group="non-western", year=2026),
        obs("rate", 30, group="danish-origin", year=2022),
        obs("rate", 33, group="danish-origin", year=2024),
    ]
    (result,) = _one([_direction(group="all")], figures, as_of=2030)
    assert result.status is Status.NOT_EVALUABLE  # one series has no 2026 figure
    assert "judged on 1 of 2 series" in result.reason
    (open_,) = _one([_direction(group="all")], figures, as_of=2026)
    assert open_.status is Status.ON_TRACK  # 2026 is not over: the other may come
    assert combine([Status.ACHIEVED, Status.NOT_EVALUABLE]) is Status.ON_TRACK
    assert combine([Status.ACHIEVED, Status.NOT_EVALUABLE], closed=True) is Status.NOT_EVALUABLE


def test_an_undated_change_target_is_on_track_while_it_moves_the_right_way():
    """Aarhus 2007's "+3": 48.0 (2007) -> 50.9 (2008) is +2.9 of the 3 points."""
    figures = [
        obs("rate", 48.0, group="non-western", year=2007),
        obs("rate", 50.9, group="non-western", year=2008),
    ]
    change = target(
        kind="change", comparator="at-least", value=3, unit="percentage_point", baseline_year=2007
    )
    (result,) = _one([change], figures)
    assert result.status is Status.ON_TRACK
    (reached,) = _one([change], [*figures, obs("rate", 51.5, group="non-western", year=2009)])
    assert reached.status is Status.ACHIEVED
    (falling,) = _one([change], [*figures[:1], obs("rate", 47, group="non-western", year=2008)])
    assert falling.status is Status.NOT_ON_TRACK


def test_a_ceiling_exceeded_is_over_the_limit_and_a_floor_missed_is_short():
    ceiling = target(kind="level", comparator="at-most", value=5.8, unit="percent", year=2021)
    floor = target(
        id="f", kind="level", comparator="at-least", value=6.8, unit="percent", year=2021
    )
    over, short = _one([ceiling, floor], [obs("rate", 6.2, group="non-western", year=2021)])
    assert "over the limit by 0.4 percentage points" in over.reason
    assert "short by" not in over.reason
    assert "short by 0.6 percentage points" in short.reason
    with use_language("da"):
        (danish,) = _one([ceiling], [obs("rate", 6.2, group="non-western", year=2021)])
    assert "0,4 procentpoint over grænsen" in danish.reason


def test_many_series_name_the_failing_one_and_state_the_rule_once():
    figures = [
        obs("rate", 40, group="immigrants", year=2022),
        obs("rate", 45, group="immigrants", year=2024),
        obs("rate", 50, group="descendants", year=2022),
        obs("rate", 48, group="descendants", year=2024),
    ]
    (result,) = _one([_direction(group="immigrants-and-descendants")], figures)
    assert result.status is Status.NOT_ON_TRACK
    assert "every series must meet the target" in result.reason
    assert "not met by descendants" in result.reason
    assert result.reason.count("should increase") == 1


def test_a_target_without_a_group_has_no_group_phrase():
    s = make_strategy(observations=[], targets=[target(kind="direction", direction="increase")])
    s = attrs.evolve(s, indicators=(attrs.evolve(s.indicators[0], target_group=None),))
    (t,) = s.targets
    result = evaluate_target(t, s, registry_with(s))
    assert "for the target's group" not in result.reason
    assert result.reason.startswith("no observation of")


def test_a_projected_value_has_its_unit():
    figures = [
        obs("rate", 4.0, group="non-western", year=2018),
        obs("rate", 5.0, group="non-western", year=2021),
    ]
    level = target(kind="level", comparator="at-least", value=6.0, unit="percent", year=2024)
    (result,) = _one([level], figures, as_of=2022)
    assert "on the same trend 6 % in 2024" in result.reason


# --- as of a point in time ------------------------------------------------------------------------


@pytest.mark.parametrize("year", [0, 1800, 10**11, True])
def test_as_of_must_be_a_real_year(year):
    with pytest.raises(ValueError, match="--as-of: a year from 1900 to"):
        check_as_of(year)


@pytest.mark.installed_plugins
def test_as_of_before_a_document_existed_says_so_and_its_claims_do_not_count():
    from kommuneintegration.cli import main

    out = io.StringIO()
    assert main(["--lang", "en", "evaluate", "-m", "101", "--as-of", "2020"], out=out) == 0
    text = " ".join(out.getvalue().split())
    # København 2023's own "nået" (a draft of 2022) does not count as of 2020.
    assert "workforce-reflects-labour-force: CANNOT BE EVALUATED" in text
    assert "not yet in force in 2020: it counts from 2023" in text
    assert text.count("As of 2020") == 1
    out = io.StringIO()
    assert main(["--lang", "en", "evaluate", "-m", "851", "--as-of", "2010"], out=out) == 0
    assert "no observation" not in out.getvalue()
    assert "not yet in force in 2010" in out.getvalue()


# --- a document's own claim is counted apart ----------------------------------------------------


@pytest.mark.installed_plugins
def test_a_documents_own_claim_has_its_own_status_and_is_counted_apart():
    from kommuneintegration.cli import main

    out = io.StringIO()
    assert main(["--lang", "da", "evaluate", "-m", "101"], out=out) == 0
    text = out.getvalue()
    assert "NÅET IFØLGE DOKUMENTET" in text
    out = io.StringIO()
    assert main(["--lang", "da", "compare", "-m", "101"], out=out) == 0
    summary = " ".join(out.getvalue().split())
    assert "1 nået ifølge dokumentet" in summary
    assert "1 nået," not in summary


# --- the second method ----------------------------------------------------------------------------


def _obs(value, year):
    return Observation("rate", value, "percent", Provenance("doc", "t"), year=year)


def test_distance_to_target_by_statistics_canadas_method():
    # CAGRo = 1.1^(1/5) - 1, CAGRr = 1.2^(1/10) - 1: R = 1.046, on track.
    progress = distance_to_target(_obs(50, 2010), _obs(55, 2015), 60, 2020)
    expected = ((55 / 50) ** (1 / 5) - 1) / ((60 / 50) ** (1 / 10) - 1)
    assert progress.status is ProgressStatus.ON_TRACK
    assert math.isclose(progress.ratio, round(expected, 4))
    assert distance_to_target(_obs(50, 2010), _obs(52, 2015), 60, 2020).status is (
        ProgressStatus.LIMITED_PROGRESS
    )
    assert distance_to_target(_obs(50, 2010), _obs(53, 2015), 60, 2020).status is (
        ProgressStatus.ACCELERATION_NEEDED
    )
    assert distance_to_target(_obs(50, 2010), _obs(48, 2015), 60, 2020).status is (
        ProgressStatus.DETERIORATION
    )
    assert distance_to_target(_obs(50, 2010), _obs(61, 2015), 60, 2020).status is (
        ProgressStatus.ACHIEVED
    )
    assert distance_to_target(_obs(50, 2010), _obs(55, 2010), 60, 2020).status is (
        ProgressStatus.NOT_ASSESSABLE
    )
    # A ceiling: falling towards an upper limit is progress.
    falling = distance_to_target(_obs(8, 2010), _obs(6, 2015), 5, 2020, Comparator.AT_MOST)
    assert falling.status is ProgressStatus.ON_TRACK
    assert distance_to_target(_obs(8, 2010), _obs(4, 2015), 5, 2020, Comparator.AT_MOST).status is (
        ProgressStatus.ACHIEVED
    )


def test_each_target_says_which_method_gave_which_verdict():
    figures = [
        obs("rate", 4.3, group="non-western", year=2018),
        obs("rate", 5.4, group="non-western", year=2021),
    ]
    level = target(kind="level", comparator="at-least", value=6.3, unit="percent", year=2030)
    (result,) = _one([level], figures)
    assert result.distance is not None
    assert result.distance.method == "distance-to-target"
    assert result.distance.status in set(ProgressStatus)
    disagreeing = attrs.evolve(result, status=Status.ACHIEVED)
    assert methods_disagree(disagreeing.status, disagreeing.distance) is (
        result.distance.status is not ProgressStatus.ACHIEVED
    )


# --- the toolkit for rule authors ---------------------------------------------------------------


def test_a_plugin_rule_is_built_from_the_public_toolkit_and_sees_no_registry():
    def majority(target_, observations, context):
        named = series(observations, context)
        verdicts = []
        for points in named.values():
            ends = endpoints(target_, points)
            if isinstance(ends, str):
                verdicts.append(Status.NOT_EVALUABLE)
            else:
                base, last = ends
                verdicts.append(Status.ACHIEVED if last.value > base.value else Status.MISSED)
        from kommuneintegration.rules import Evaluation

        return Evaluation(combine(verdicts, closed=context.closed(target_)), ", ".join(named))

    rule = EvaluationRule("odense:rising", "rising", majority)
    s = make_strategy(observations=RISING, targets=[_direction(rule="odense:rising")])
    registry = registry_with(s, [rule])
    (t,) = s.targets
    result = evaluate_target(t, s, registry)
    assert result.status is Status.ACHIEVED
    assert "immigrants and descendants from non-Western countries" in result.reason
    fields = {f.name for f in attrs.fields(RuleContext)}
    assert "extra" not in fields
    assert "registry" not in fields
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        RuleContext(s, None).year = 1999  # type: ignore[misc]


def test_the_toolkit_example_in_the_plugin_guide_runs_as_written():
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[1] / "docs" / "plugins.md").read_text("utf-8")
    block = guide.split("```python\nfrom kommuneintegration.rules import", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec("from kommuneintegration.rules import" + block, namespace)
    rule = namespace["RISING"]
    s = make_strategy(observations=RISING, targets=[_direction(rule="odense:rising")])
    (t,) = s.targets
    result = evaluate_target(t, s, registry_with(s, [rule]))
    assert result.status is Status.ACHIEVED
    assert "→" in result.reason
