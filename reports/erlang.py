"""Erlang C: how many agents a telephone slot needs so that a share of calls is answered
within a given wait. Pure functions, no Django.

The traffic A (in erlangs) is arrival rate × mean talk time. Erlang B is computed by its
recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), which never overflows (factorials of
large agent counts would), and Erlang C follows from it:
C(N, A) = N·B(N, A) / (N − A·(1 − B(N, A))) for N > A; with N ≤ A the queue never empties
and every caller waits. The service level, the share of calls answered within t seconds, is
SL = 1 − C(N, A)·exp(−(N − A)·t / h) with h the mean talk time."""

from __future__ import annotations

import math

# No half-hour slot of a town hall needs more than this; the search stops there.
MAX_AGENTS = 1000


def erlang_b(traffic_erlangs: float, agents: int) -> float:
    """Probability that a call finds every agent busy, with no queue (blocking)."""
    if traffic_erlangs < 0 or agents < 0:
        raise ValueError("traffic and agents must be positive or zero")
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic_erlangs * blocking / (n + traffic_erlangs * blocking)
    return blocking


def erlang_c(traffic_erlangs: float, agents: int) -> float:
    """Probability that a call has to wait for an agent, with an unlimited queue."""
    if traffic_erlangs < 0 or agents < 0:
        raise ValueError("traffic and agents must be positive or zero")
    if traffic_erlangs == 0:
        return 0.0
    if agents <= traffic_erlangs:
        return 1.0
    blocking = erlang_b(traffic_erlangs, agents)
    return agents * blocking / (agents - traffic_erlangs * (1 - blocking))


def service_level(arrival_rate: float, mean_talk_seconds: float, agents: int, target_wait_seconds: float) -> float:
    """Share (0 to 1) of calls answered within `target_wait_seconds`, for `arrival_rate`
    calls per second each lasting `mean_talk_seconds` on average, with `agents` agents."""
    traffic = arrival_rate * mean_talk_seconds
    if traffic == 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    waiting = erlang_c(traffic, agents)
    level = 1 - waiting * math.exp(-(agents - traffic) * target_wait_seconds / mean_talk_seconds)
    return max(0.0, min(1.0, level))


def agents_needed(
    calls_in_slot: float,
    slot_seconds: float,
    mean_talk_seconds: float,
    target_share: float = 0.9,
    target_wait_seconds: float = 25,
) -> int:
    """The smallest number of agents answering `target_share` of the calls within
    `target_wait_seconds`, when `calls_in_slot` calls arrive in a slot of `slot_seconds`.
    No calls (or calls without talk time) need no agent."""
    if calls_in_slot < 0 or slot_seconds <= 0 or mean_talk_seconds < 0:
        raise ValueError("calls, slot length and talk time must be positive")
    if not 0 < target_share < 1:
        raise ValueError("the target share lies strictly between 0 and 1")
    if calls_in_slot == 0 or mean_talk_seconds == 0:
        return 0
    rate = calls_in_slot / slot_seconds
    agents = math.floor(rate * mean_talk_seconds) + 1
    while service_level(rate, mean_talk_seconds, agents, target_wait_seconds) < target_share:
        agents += 1
        if agents > MAX_AGENTS:
            raise ValueError("more than 1000 agents needed: check the figures")
    return agents
