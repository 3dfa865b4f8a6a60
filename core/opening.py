"""The opening hours each service keeps: its own slots, else its site's (a service without
slots of its own follows its site). Read once, in one query, by whoever needs them: the phone
(when a call is presented) and the appointments (when slots are offered)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from core.models import OpeningHours, Organisation, Service

Slot = tuple[int, dt.time, dt.time]  # weekday (Monday 0), opens, closes: local wall-clock times


def service_slots(organisation: Organisation) -> dict[int, list[Slot]]:
    """Each service's opening slots (an empty list when neither it nor its site has any)."""
    site_slots: dict[int, list[Slot]] = defaultdict(list)
    own_slots: dict[int, list[Slot]] = defaultdict(list)
    hours = OpeningHours.objects.filter(organisation=organisation).values_list(
        "site_id", "service_id", "weekday", "opens_at", "closes_at"
    )
    for site_id, service_id, weekday, opens, closes in hours:
        (own_slots[service_id] if service_id else site_slots[site_id]).append((weekday, opens, closes))
    return {
        service_id: sorted(own_slots.get(service_id) or site_slots.get(site_id) or [])
        for service_id, site_id in Service.objects.filter(organisation=organisation).values_list("pk", "site_id")
    }
