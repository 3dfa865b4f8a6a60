import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.models import ClosureDay, HolidayZone
from core.workdays import WorkingCalendar, calendar_for, french_date, public_holidays

METROPOLITAN = WorkingCalendar()
MOSELLE = WorkingCalendar(zone="57")
ALSACE = WorkingCalendar(zone="6AE")


def test_a_letter_received_on_friday_10_july_2026_with_15_working_days_is_due_monday_3_august():
    assert METROPOLITAN.add_working_days(dt.date(2026, 7, 10), 15) == dt.date(2026, 8, 3)


def test_ten_working_days_after_30_april_2026_skip_the_may_holidays():
    assert METROPOLITAN.add_working_days(dt.date(2026, 4, 30), 10) == dt.date(2026, 5, 19)


def test_five_working_days_after_18_december_2026_in_moselle_fall_on_28_december():
    assert MOSELLE.add_working_days(dt.date(2026, 12, 18), 5) == dt.date(2026, 12, 28)


def test_moselle_does_not_work_on_26_december_when_metropolitan_france_does():
    christmas_eve_2025 = dt.date(2025, 12, 24)  # 26 December 2025 is a Friday
    assert METROPOLITAN.add_working_days(christmas_eve_2025, 1) == dt.date(2025, 12, 26)
    assert MOSELLE.add_working_days(christmas_eve_2025, 1) == dt.date(2025, 12, 29)


def test_alsace_has_good_friday_and_26_december():
    days = public_holidays("6AE", 2026)
    assert days[dt.date(2026, 4, 3)] == "Vendredi saint"
    assert days[dt.date(2026, 12, 26)] == "Saint-Étienne"
    assert ALSACE.add_working_days(dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 7)
    assert METROPOLITAN.add_working_days(dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 3)


def test_the_alsace_departments_67_and_68_are_read_as_the_alsace_zone():
    assert public_holidays("67", 2026) == public_holidays("68", 2026) == public_holidays("6AE", 2026)


def test_metropolitan_france_has_exactly_eleven_holidays_in_2026():
    days = public_holidays("", 2026)
    assert len(days) == 11
    assert days[dt.date(2026, 7, 14)] == "Fête nationale"
    assert dt.date(2026, 4, 3) not in days
    assert dt.date(2026, 12, 26) not in days


def test_la_reunion_has_its_abolition_of_slavery_day_on_20_december():
    assert public_holidays("974", 2026)[dt.date(2026, 12, 20)] == "Abolition de l'esclavage"
    assert dt.date(2026, 12, 20) not in public_holidays("", 2026)


def test_every_zone_offered_to_towns_is_known_to_the_holiday_library():
    for zone in HolidayZone.values:
        assert len(public_holidays(zone, 2026)) >= 11


def test_an_unknown_zone_is_refused_in_french():
    with pytest.raises(ValueError, match="Zone de jours fériés inconnue"):
        public_holidays("99", 2026)


def test_changing_the_returned_holidays_does_not_change_the_calendar():
    public_holidays("", 2026).clear()
    assert len(public_holidays("", 2026)) == 11
    assert not METROPOLITAN.is_working_day(dt.date(2026, 7, 14))


def test_business_days_count_saturdays():
    friday = dt.date(2026, 7, 10)
    assert METROPOLITAN.add_working_days(friday, 1, business=True) == dt.date(2026, 7, 11)
    assert METROPOLITAN.add_working_days(friday, 1) == dt.date(2026, 7, 13)
    assert METROPOLITAN.add_working_days(friday, 2, business=True) == dt.date(2026, 7, 13)


def test_a_holiday_on_a_saturday_is_not_a_business_day():
    assumption = dt.date(2026, 8, 15)
    assert not METROPOLITAN.is_working_day(assumption, business=True)
    assert METROPOLITAN.add_working_days(dt.date(2026, 8, 14), 1, business=True) == dt.date(2026, 8, 17)


def test_a_closure_day_pushes_a_due_date():
    bridge = WorkingCalendar(closure_days={dt.date(2026, 7, 31): "Fermeture estivale"})
    assert bridge.add_working_days(dt.date(2026, 7, 10), 15) == dt.date(2026, 8, 4)
    assert bridge.non_working_reason(dt.date(2026, 7, 31)) == "Fermeture estivale"


def test_a_closure_day_without_a_label_still_closes_the_town():
    calendar = WorkingCalendar(closure_days={dt.date(2026, 7, 31): ""})
    assert not calendar.is_working_day(dt.date(2026, 7, 31))


def test_a_deadline_runs_across_the_year_end():
    assert METROPOLITAN.add_working_days(dt.date(2026, 12, 28), 5) == dt.date(2027, 1, 5)
    assert METROPOLITAN.working_days_between(dt.date(2026, 12, 28), dt.date(2027, 1, 5)) == 5


def test_the_day_of_receipt_is_day_zero():
    sunday = dt.date(2026, 7, 12)
    assert METROPOLITAN.add_working_days(sunday, 0) == sunday
    assert METROPOLITAN.add_working_days(sunday, 1) == dt.date(2026, 7, 13)
    assert METROPOLITAN.working_days_between(sunday, sunday) == 0


def test_a_negative_number_of_days_is_refused():
    with pytest.raises(ValueError, match="positif ou nul"):
        METROPOLITAN.add_working_days(dt.date(2026, 7, 10), -1)


def test_working_days_between_is_negative_when_the_end_comes_first():
    assert METROPOLITAN.working_days_between(dt.date(2026, 8, 3), dt.date(2026, 7, 10)) == -15


def test_non_working_reason_names_weekends_holidays_and_worked_days():
    assert METROPOLITAN.non_working_reason(dt.date(2026, 7, 11)) == "samedi"
    assert METROPOLITAN.non_working_reason(dt.date(2026, 7, 11), business=True) is None
    assert METROPOLITAN.non_working_reason(dt.date(2026, 7, 12), business=True) == "dimanche"
    assert METROPOLITAN.non_working_reason(dt.date(2026, 8, 15)) == "Assomption"
    assert METROPOLITAN.non_working_reason(dt.date(2026, 7, 13)) is None


def test_days_off_lists_holidays_and_closure_days_of_the_year_only():
    calendar = WorkingCalendar(
        closure_days={
            dt.date(2026, 5, 15): "Pont de l'Ascension",
            dt.date(2026, 12, 25): "Fermeture",
            dt.date(2027, 1, 2): "Inventaire",
        }
    )
    days = dict(calendar.days_off(2026))
    assert len(days) == 12
    assert days[dt.date(2026, 5, 15)] == "Pont de l'Ascension"
    assert days[dt.date(2026, 12, 25)] == "Noël ; Fermeture"
    assert list(days) == sorted(days)


def test_equal_calendars_can_share_a_cache_key():
    assert hash(WorkingCalendar(zone="57")) == hash(WorkingCalendar(zone="57", closure_days={}))


def test_french_dates_read_as_a_french_reader_writes_them():
    assert french_date(dt.date(2026, 8, 3)) == "lundi 3 août 2026"
    assert french_date(dt.date(2026, 7, 1)) == "mercredi 1er juillet 2026"


@pytest.mark.django_db
def test_a_town_calendar_carries_its_zone_and_only_its_own_closure_days(org, other_org):
    ClosureDay.objects.create(organisation=org, date=dt.date(2026, 7, 31), label="Fermeture estivale")
    ClosureDay.objects.create(organisation=other_org, date=dt.date(2026, 7, 30), label="Inventaire")
    calendar = calendar_for(org)
    assert calendar.zone == ""
    assert calendar.closure_days == {dt.date(2026, 7, 31): "Fermeture estivale"}
    assert calendar_for(other_org).zone == "57"


# Properties, over every zone a town can choose and a few random closure days.
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=260)
calendars = st.builds(
    WorkingCalendar,
    zone=st.sampled_from(HolidayZone.values),
    closure_days=st.dictionaries(days, st.just("Fermeture"), max_size=20),
)


@PROPERTY_SETTINGS
@given(calendar=calendars, start=days, count=st.integers(min_value=1, max_value=260), business=st.booleans())
def test_a_due_date_is_a_working_day_strictly_after_the_day_of_receipt(calendar, start, count, business):
    due = calendar.add_working_days(start, count, business=business)
    assert due > start
    assert calendar.is_working_day(due, business=business)


@PROPERTY_SETTINGS
@given(calendar=calendars, start=days, count=counts, business=st.booleans())
def test_counting_back_from_a_due_date_gives_the_deadline(calendar, start, count, business):
    due = calendar.add_working_days(start, count, business=business)
    assert calendar.working_days_between(start, due, business=business) == count


@PROPERTY_SETTINGS
@given(calendar=calendars, start=days, shorter=counts, longer=counts)
def test_a_longer_deadline_never_falls_earlier(calendar, start, shorter, longer):
    shorter, longer = sorted((shorter, longer))
    assert calendar.add_working_days(start, shorter) <= calendar.add_working_days(start, longer)
    if shorter < longer:
        assert calendar.add_working_days(start, shorter) < calendar.add_working_days(start, longer)


@PROPERTY_SETTINGS
@given(calendar=calendars, start=days, count=counts)
def test_a_deadline_in_business_days_is_never_later_than_in_working_days(calendar, start, count):
    business_due = calendar.add_working_days(start, count, business=True)
    assert business_due <= calendar.add_working_days(start, count)


@PROPERTY_SETTINGS
@given(calendar=calendars, start=days, first=counts, then=counts, business=st.booleans())
def test_adding_two_deadlines_one_after_the_other_equals_adding_their_sum(calendar, start, first, then, business):
    middle = calendar.add_working_days(start, first, business=business)
    assert calendar.add_working_days(middle, then, business=business) == calendar.add_working_days(
        start, first + then, business=business
    )


def test_a_town_that_opens_on_whit_monday_counts_it_as_a_working_day():
    whit_monday_2026 = dt.date(2026, 5, 25)
    closed = WorkingCalendar()
    open_on_solidarity_day = WorkingCalendar(works_whit_monday=True)
    assert not closed.is_working_day(whit_monday_2026)
    assert open_on_solidarity_day.is_working_day(whit_monday_2026)
    assert closed.add_working_days(dt.date(2026, 5, 22), 1) == dt.date(2026, 5, 26)
    assert open_on_solidarity_day.add_working_days(dt.date(2026, 5, 22), 1) == whit_monday_2026
    assert whit_monday_2026 not in dict(open_on_solidarity_day.days_off(2026))
    assert len(open_on_solidarity_day.days_off(2026)) == 10
