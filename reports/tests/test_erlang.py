"""Erlang C against an independent closed formula and the textbook example."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.erlang import agents_needed, erlang_b, erlang_c, service_level


def erlang_c_by_factorials(traffic: float, agents: int) -> float:
    """The closed formula: (A^N / N!) · N/(N−A) ÷ (Σ_{k<N} A^k/k! + (A^N / N!) · N/(N−A))."""
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    return top / (sum(traffic**k / math.factorial(k) for k in range(agents)) + top)


def test_erlang_c_agrees_with_the_factorial_formula():
    for traffic, agents in [(0.5, 1), (0.67, 2), (2.0, 3), (10.0, 11), (10.0, 14), (25.3, 30)]:
        assert erlang_c(traffic, agents) == pytest.approx(erlang_c_by_factorials(traffic, agents), rel=1e-12)


def test_the_textbook_example_of_100_calls_in_half_an_hour_needs_14_agents_for_80_percent_in_20_seconds():
    # 100 calls per 30 min of 180 s each: 10 erlangs. With 11 agents 68.2 % of calls wait and
    # 39 % are answered within 20 s; 14 agents are the first to reach 80 %.
    rate = 100 / 1800
    assert erlang_c(10, 11) == pytest.approx(0.6821, abs=1e-4)
    expected_11 = 1 - erlang_c_by_factorials(10, 11) * math.exp(-(11 - 10) * 20 / 180)
    assert service_level(rate, 180, 11, 20) == pytest.approx(expected_11, rel=1e-12)
    assert service_level(rate, 180, 13, 20) < 0.8 < service_level(rate, 180, 14, 20)
    assert agents_needed(100, 1800, 180, target_share=0.8, target_wait_seconds=20) == 14


def test_a_single_agent_makes_callers_wait_as_often_as_the_line_is_busy():
    assert erlang_c(0.3, 1) == pytest.approx(0.3)
    assert erlang_b(0.3, 1) == pytest.approx(0.3 / 1.3)


def test_too_few_agents_let_every_caller_wait_and_answer_none_in_time():
    assert erlang_c(5.0, 5) == 1.0
    assert service_level(5 / 1800, 1800, 4, 25) == 0.0


def test_zero_calls_need_no_agent_and_are_all_in_time():
    assert agents_needed(0, 1800, 150) == 0
    assert service_level(0, 150, 0, 25) == 1.0
    assert erlang_c(0, 3) == 0.0


def test_a_few_calls_of_a_town_hall_slot_need_one_two_or_three_agents():
    assert agents_needed(1, 1800, 120) == 1
    assert agents_needed(8, 1800, 150) == 3


def test_large_traffic_stays_finite_where_factorials_would_overflow():
    assert 0 < erlang_c(400.0, 420) < 1
    assert 400 < agents_needed(4000, 1800, 180) < 450


def test_bad_figures_are_refused():
    with pytest.raises(ValueError):
        agents_needed(-1, 1800, 100)
    with pytest.raises(ValueError):
        agents_needed(10, 1800, 100, target_share=1)
    with pytest.raises(ValueError):
        erlang_c(-1, 2)


@given(
    calls=st.integers(min_value=1, max_value=300),
    talk=st.floats(min_value=10, max_value=900),
    agents=st.integers(min_value=1, max_value=60),
    wait=st.floats(min_value=0, max_value=120),
)
def test_one_more_agent_never_lowers_the_service_level(calls, talk, agents, wait):
    rate = calls / 1800
    assert service_level(rate, talk, agents + 1, wait) >= service_level(rate, talk, agents, wait) - 1e-12


@given(calls=st.integers(min_value=1, max_value=300), talk=st.floats(min_value=10, max_value=900))
def test_the_agents_needed_reach_the_target_and_one_fewer_does_not(calls, talk):
    needed = agents_needed(calls, 1800, talk)
    rate = calls / 1800
    assert service_level(rate, talk, needed, 25) >= 0.9
    assert needed == 1 or service_level(rate, talk, needed - 1, 25) < 0.9
