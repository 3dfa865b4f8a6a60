"""Two years of the improvement loop for a demo town, consistent with its stored indicator
values: a steering committee each spring and autumn (held, with attendees, agenda, minutes and
decisions, each decision becoming an action) and the next one planned; actions from every
origin (indicators the stored values really miss, justified complaints of the register, the
committee's decisions, agents' suggestions); some found effective and some not, each verdict
read from the stored value of the indicator it should move (the latest complete period on its
check day, all services together, compared as the target compares), some late, some open; and
the draft annual review of last year, which `validate_demo_review` freezes.

Actions enter the plan through `improvement.actions.open_action` and move through
`improvement.workflow.WORKFLOW.step`, each step's log row dated on its day in the past (as the
demo's complaints record their past steps). The audit trail stamps its events when the demo
writes them.

Run after the town's records are committed: it reads the indicator values their commit
stored (`demo.generator.build_demo`)."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from commitments.models import Commitment, Indicator, IndicatorValue, Status
from complaints.models import Complaint, Justified, Kind
from core.audit import create_audited
from core.localtime import aware_local
from core.models import Membership, Organisation, Role, User
from core.periods import Granularity, Period
from core.registries import records_changed
from improvement.actions import open_action
from improvement.meetings import create_review, validate_review
from improvement.models import (
    ActionTransition,
    AnnualReview,
    Decision,
    ImprovementAction,
    Origin,
    ReviewStatus,
    SteeringMeeting,
)
from improvement.workflow import METRIC_PREFIX, WORKFLOW
from reports.steering import annual_review_pdf

MEETING_MONTHS = (3, 10)  # a committee in spring, one in autumn
MISSED_INDICATORS = 4  # actions opened from a missed indicator
COMPLAINT_ACTIONS = 3
DAYS_TO_ACT = 45
# (text of the decision, code of the indicator it should move, or "")
DECISIONS = (
    ("Ouvrir un deuxième guichet d'accueil le lundi de 8 h 30 à 10 h", "8.1"),
    ("Renvoyer les appels vers un second poste quand le premier est occupé", "16.1"),
    ("Relancer chaque semaine les courriers sans réponse à J+10", "17.1"),
    ("Faire relire les actes par un second agent avant leur envoi", "19.1"),
    ("Accuser réception des réclamations le jour même par courriel", "21.1"),
    ("Publier chaque trimestre les résultats des engagements sur le site de la ville", ""),
    ("Former les nouveaux agents à la charte d'accueil dans leur premier mois", ""),
    ("Revoir la signalétique du hall de l'hôtel de ville", ""),
)
SUGGESTIONS = (
    ("Fiche réflexe pour les demandes d'actes des notaires", "Une fiche au guichet pour ne rien oublier."),
    ("Affiche des horaires d'été sur la porte de l'annexe", "Les usagers trouvent la porte fermée en août."),
)


@dataclass(frozen=True)
class ImprovementCounts:
    meetings: int
    decisions: int
    actions: int
    effective: int
    ineffective: int
    late: int
    open: int


@dataclass(frozen=True)
class Check:
    """An effectiveness check read from the stored values: on `check_on`, the latest complete
    period is `period`, whose whole-town value is `value`."""

    indicator: Indicator
    check_on: dt.date
    period: Period
    value: float

    @property
    def effective(self) -> bool:
        return self.indicator.status_for(self.value) == Status.MET


class Town:
    """What the demo reads once: the people, the indicators and their stored whole-town values."""

    def __init__(self, organisation: Organisation, today: dt.date) -> None:
        self.organisation, self.today = organisation, today
        members = Membership.objects.for_org(organisation).select_related("user").order_by("user__email")
        self.by_role: dict[str, list[User]] = {}
        for membership in members:
            self.by_role.setdefault(membership.role, []).append(membership.user)
        self.manager = self.by_role[Role.QUALITY_MANAGER][0]
        self.agents = self.by_role.get(Role.AGENT, []) or [self.manager]
        indicators = Indicator.objects.for_org(organisation).filter(is_active=True).select_related("commitment")
        self.indicators = {indicator.code: indicator for indicator in indicators}
        granularity = {indicator.pk: indicator.granularity for indicator in indicators}
        rows = IndicatorValue.objects.for_org(organisation).filter(service=None, site=None, value__isnull=False)
        self.values: dict[tuple[int, dt.date], float] = {
            (row.indicator_id, row.period_start): row.value
            for row in rows.only("indicator_id", "period_start", "granularity", "value")
            if row.value is not None and row.granularity == granularity.get(row.indicator_id)
        }

    def at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return aware_local(dt.datetime.combine(day, dt.time(hour)), self.organisation.time_zone)

    def check(self, indicator: Indicator, check_on: dt.date) -> Check | None:
        """The verdict the stored values give on `check_on`, None when they hold no value for it."""
        period = Period.containing(check_on, Granularity(indicator.granularity)).previous()
        value = self.values.get((indicator.pk, period.start))
        if value is None or not period.is_complete(self.today):
            return None
        return Check(indicator, check_on, period, value)

    def misses(self) -> list[tuple[Indicator, Period]]:
        """Every complete period whose stored whole-town value misses its indicator's target."""
        missed = []
        for indicator in sorted(self.indicators.values(), key=lambda i: (i.commitment.code, i.code)):
            for (indicator_id, start), value in sorted(self.values.items()):
                period = Period(start, Granularity(indicator.granularity))
                missing = indicator.status_for(value) == Status.NOT_MET
                if indicator_id == indicator.pk and period.is_complete(self.today) and missing:
                    missed.append((indicator, period))
        return missed


def _as_of(organisation: Organisation, day: dt.date) -> Organisation:
    """The town as seen on `day`: open_action numbers an action in the year of the town's
    today(), and the demo opens its actions on days of the past."""
    dated = copy.copy(organisation)
    dated.today = lambda: day  # type: ignore[method-assign]
    return dated


def _open(town: Town, opened_on: dt.date, **fields: object) -> ImprovementAction:
    """open_action on a day of the past: numbered in that year, created and logged on it."""
    action = open_action(organisation=_as_of(town.organisation, opened_on), actor=town.manager, **fields)  # type: ignore[arg-type]
    action.organisation = town.organisation
    # In memory too: the workflow's later steps save the whole record.
    action.created_at = town.at(opened_on, 9)
    ImprovementAction.objects.filter(pk=action.pk).update(created_at=action.created_at)
    ActionTransition.objects.filter(action_record=action, action="create").update(at=town.at(opened_on, 9))
    return action


def _step(town: Town, action: ImprovementAction, step: str, day: dt.date, **changes: object) -> None:
    WORKFLOW.step(action, step, actor=town.manager, changes=changes, log={"at": town.at(day, 11)})


def _carry_out(town: Town, action: ImprovementAction, opened_on: dt.date, done_on: dt.date | None) -> None:
    """Planned two days after it was opened, started a week later, done on `done_on` (or still
    in progress when None). Steps after today are not taken."""
    planned, started = opened_on + dt.timedelta(days=2), opened_on + dt.timedelta(days=7)
    for step, day in (("plan", planned), ("begin", started)):
        if day < town.today and (done_on is None or day <= done_on):
            _step(town, action, step, day)
    if done_on is not None and done_on < town.today:
        _step(town, action, "complete", max(done_on, planned), done_on=max(done_on, planned))


def _judge(town: Town, action: ImprovementAction, check: Check | None) -> str:
    """Record the verdict the stored values give, once the check day has passed."""
    if check is None or check.check_on >= town.today or action.status != "done":
        return ""
    step = "confirm_effective" if check.effective else "find_ineffective"
    note = "Cible atteinte sur la période mesurée." if check.effective else "La cible n'est toujours pas atteinte."
    changes = {"checked_on": check.check_on, "checked_value": check.value, "checked_period_start": check.period.start}
    _step(town, action, step, check.check_on, **changes, check_note=note)
    return "effective" if check.effective else "ineffective"


def _check_fields(check: Check | None) -> dict[str, object]:
    if check is None:
        return {}
    target = Decimal(check.indicator.target_value)
    return {"check_indicator": check.indicator, "expected_value": target, "check_on": check.check_on}


@dataclass
class Tally:
    effective: int = 0
    ineffective: int = 0
    actions: int = 0
    relaunched: bool = False

    def add(self, verdict: str) -> None:
        self.actions += 1
        if verdict == "effective":
            self.effective += 1
        elif verdict == "ineffective":
            self.ineffective += 1


def _indicator_actions(town: Town, tally: Tally) -> None:
    """Actions opened the week after a missed period, done before the period after next,
    judged on that period's stored value: one effective and one not first, when the values
    hold both, then others."""
    options = []
    for indicator, period in town.misses():
        later = Period(period.end, period.granularity)
        check = town.check(indicator, Period(later.end, period.granularity).end)
        if check is not None:
            options.append((indicator, period, check))
    chosen: list[tuple[Indicator, Period, Check]] = []
    for wanted in (True, False, None, None):
        for option in options:
            if option[0] in {c[0] for c in chosen} or (wanted is not None and option[2].effective != wanted):
                continue
            chosen.append(option)
            break
    for indicator, period, check in chosen[:MISSED_INDICATORS]:
        opened_on = period.end + dt.timedelta(days=3)
        action = _open(
            town,
            opened_on,
            origin=Origin.INDICATOR,
            title=f"Redresser l'indicateur {indicator.code} ({period.label})",
            description=f"Valeur mesurée sous la cible ({indicator.target_label}) : analyse des causes et correction.",
            owner=town.manager,
            due_on=opened_on + dt.timedelta(days=DAYS_TO_ACT),
            origin_indicator=indicator,
            **_check_fields(check),
        )
        done_on = min(opened_on + dt.timedelta(days=15), check.period.start - dt.timedelta(days=1))
        _carry_out(town, action, opened_on, done_on)
        tally.add(_judge(town, action, check))


def _complaint_actions(town: Town, tally: Tally) -> None:
    """From justified complaints whose handler noted an action, one per kind of action: an
    older one done on time, then the two latest, one late (still in progress past its due
    date) and one open."""
    complaints = (
        Complaint.objects.for_org(town.organisation)
        .filter(kind=Kind.COMPLAINT, justified=Justified.YES, answered_on__lt=town.today - dt.timedelta(days=30))
        .exclude(action_note="")
        .select_related("service")
        .order_by("-answered_on", "-pk")
    )
    chosen: dict[str, Complaint] = {}
    for complaint in complaints:
        chosen.setdefault(complaint.action_note, complaint)
    latest = list(chosen.values())[:COMPLAINT_ACTIONS]
    commitments = {c.code: c for c in Commitment.objects.for_org(town.organisation)}
    for index, complaint in enumerate(reversed(latest)):
        answered_on = complaint.answered_on or town.today
        if index == 0:
            answered_on = min(answered_on, town.today - dt.timedelta(days=120))
        dues = (
            answered_on + dt.timedelta(days=30),
            town.today - dt.timedelta(days=10),
            town.today + dt.timedelta(days=30),
        )
        opened_on = min(answered_on, dues[index] - dt.timedelta(days=20))
        action = _open(
            town,
            opened_on,
            origin=Origin.COMPLAINT,
            title=complaint.action_note,
            description=f"Suite à une réclamation justifiée : {complaint.subject.lower()}.",
            owner=town.agents[index % len(town.agents)],
            due_on=dues[index],
            origin_record=complaint,
            origin_label=f"Réclamation {complaint.tracking_number}",
            commitment=commitments.get(complaint.commitment_code),
            service=complaint.service,
        )
        _carry_out(town, action, opened_on, dues[index] - dt.timedelta(days=5) if index == 0 else None)
        tally.add("")


def _suggestion_actions(town: Town, tally: Tally) -> None:
    """Two agents' suggestions: one done last spring and found useful by the team, one proposed."""
    for index, (title, description) in enumerate(SUGGESTIONS):
        opened_on = dt.date(town.today.year, 4, 7) if index == 0 else town.today - dt.timedelta(days=12)
        opened_on = min(opened_on, town.today - dt.timedelta(days=12))
        agent = town.agents[-1 - index % len(town.agents)]
        action = _open(
            town, opened_on, origin=Origin.SUGGESTION, title=title, description=description,
            owner=agent, due_on=opened_on + dt.timedelta(days=60),
        )  # fmt: skip
        if index == 0:
            done_on = opened_on + dt.timedelta(days=9)
            _carry_out(town, action, opened_on, done_on)
            if done_on + dt.timedelta(days=30) < town.today and action.status == "done":
                checked = done_on + dt.timedelta(days=30)
                _step(town, action, "confirm_effective", checked, checked_on=checked, check_note="Constat de l'équipe.")
                tally.add("effective")
                continue
        tally.add("")


def _meeting_days(today: dt.date) -> list[dt.date]:
    """The second Tuesday of each committee month, last year and this year, and the next one."""
    days = []
    for year in (today.year - 1, today.year, today.year + 1):
        for month in MEETING_MONTHS:
            first = dt.date(year, month, 1)
            days.append(first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7))
    held = [day for day in days if day < today]
    return [*held, next(day for day in days if day >= today)]


def _missed_between(town: Town, start: dt.date, end: dt.date) -> list[str]:
    codes = {indicator.code for indicator, period in town.misses() if start <= period.start and period.end <= end}
    return sorted(codes, key=lambda code: [int(part) if part.isdigit() else 0 for part in code.split(".")])


def _attendees(town: Town) -> str:
    lines = [f"{town.manager.full_name}, responsable qualité"]
    lines += [f"{user.full_name}, direction générale des services" for user in town.by_role.get(Role.READER, [])]
    lines += [f"{user.full_name}, agent" for user in town.agents[:2]]
    return "\n".join([*lines, "L'adjoint(e) au maire chargé(e) de la relation aux usagers"])


def _meetings(town: Town, tally: Tally) -> tuple[int, int]:
    """The committees, each held one with two decisions becoming actions: those of earlier
    committees done and judged, those of the last one under way."""
    days = _meeting_days(town.today)
    decisions = iter(DECISIONS * 2)
    decided = 0
    for index, held_on in enumerate(days):
        held = held_on < town.today
        missed = _missed_between(town, held_on - dt.timedelta(days=200), held_on)
        meeting = SteeringMeeting(
            organisation=town.organisation,
            held_on=held_on,
            place="Hôtel de ville, salle du conseil",
            attendees=_attendees(town),
            agenda="1. Résultats des engagements depuis le dernier comité\n2. Réclamations\n3. Plan d'amélioration",
            minutes=(f"Indicateurs non atteints sur la période : {', '.join(missed) or 'aucun'}. " if held else "")
            + ("Le comité valide les décisions ci-dessous." if held else ""),
            held=held,
            created_by=town.manager,
        )
        create_audited(meeting, actor=town.manager)
        if not held:
            continue
        last = index == len(days) - 2
        for position in range(2):
            text, code = next(decisions)
            decision = Decision.objects.create(
                organisation=town.organisation, meeting=meeting, position=position, text=text
            )
            _decision_action(town, tally, decision, code, last=last)
            decided += 1
    return len(days), decided


def _check_after(
    town: Town, indicator: Indicator | None, done_on: dt.date | None
) -> tuple[dt.date | None, Check | None]:
    """The check day of an action done on `done_on`: the end of the period after the one it
    was done in; and the verdict the stored values give then, when they hold one."""
    if indicator is None or done_on is None:
        return None, None
    granularity = Granularity(indicator.granularity)
    day = Period(Period.containing(done_on, granularity).end, granularity).end
    return day, town.check(indicator, day)


def _decision_action(town: Town, tally: Tally, decision: Decision, code: str, *, last: bool) -> None:
    held_on = decision.meeting.held_on
    opened_on, due_on = held_on + dt.timedelta(days=1), held_on + dt.timedelta(days=60)
    done_on = None if last else held_on + dt.timedelta(days=40)
    indicator = town.indicators.get(code)
    _, check = _check_after(town, indicator, done_on)
    late_due = max(opened_on + dt.timedelta(days=7), town.today - dt.timedelta(days=5))
    action = _open(
        town, opened_on, origin=Origin.DECISION, title=decision.text, decision=decision,
        owner=town.agents[decision.position % len(town.agents)] if decision.position else town.manager,
        due_on=due_on if not last or decision.position == 0 else min(due_on, late_due),
        commitment=indicator.commitment if indicator else None, **_check_fields(check),
    )  # fmt: skip
    _carry_out(town, action, opened_on, done_on)
    verdict = _judge(town, action, check)
    if verdict == "ineffective" and check is not None and not tally.relaunched:  # the first one is relaunched
        _relaunch(town, action, check)
        tally.relaunched = True
    tally.add(verdict)


def _relaunch(town: Town, action: ImprovementAction, check: Check) -> None:
    """Relaunched a week after its failed check, with a new due date and a new check day (the
    first verdict stays in its log), done again a month later and judged again when the
    stored values allow."""
    relaunched_on = check.check_on + dt.timedelta(days=7)
    if relaunched_on >= town.today:
        return
    done_again = relaunched_on + dt.timedelta(days=30)
    check_on, again = _check_after(town, check.indicator, done_again)
    cleared = {"checked_on": None, "checked_value": None, "checked_period_start": None, "check_note": ""}
    new_due = relaunched_on + dt.timedelta(days=DAYS_TO_ACT)
    _step(town, action, "relaunch", relaunched_on, due_on=new_due, check_on=check_on, **cleared)
    if done_again < town.today:
        _step(town, action, "complete", done_again, done_on=done_again)
        _judge(town, action, again)


def _review(town: Town) -> AnnualReview:
    """The draft annual review of last year, from its stored values."""
    year = town.today.year - 1
    missed = _missed_between(town, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    review = AnnualReview(
        organisation=town.organisation,
        year=year,
        status=ReviewStatus.DRAFT,
        conclusions=f"Indicateurs non atteints au moins une fois en {year} : {', '.join(missed) or 'aucun'}. "
        "Le plan d'amélioration a porté en priorité sur l'accueil et le téléphone.",
        objectives="Tenir le délai d'attente à l'accueil le lundi matin ; décrocher en moins de 5 sonneries.",
        created_by=town.manager,
    )
    create_audited(review, actor=town.manager)
    return review


def _months(today: dt.date) -> set[dt.date]:
    return {dt.date(year, month, 1) for year in (today.year - 2, today.year - 1, today.year) for month in range(1, 13)}


@transaction.atomic
def add_improvement(organisation: Organisation, *, today: dt.date) -> ImprovementCounts:
    """The committees, the improvement plan and last year's draft review of a demo town whose
    indicator values are stored; then the improvement metrics (23.1, 23.3) recomputed."""
    town = Town(organisation, today)
    tally = Tally()
    _indicator_actions(town, tally)
    _complaint_actions(town, tally)
    _suggestion_actions(town, tally)
    meetings, decisions = _meetings(town, tally)
    _review(town)
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=_months(today))
    actions = ImprovementAction.objects.for_org(organisation)
    open_actions = actions.filter(status__in=["proposed", "planned", "in_progress", "relaunched"])
    return ImprovementCounts(
        meetings=meetings,
        decisions=decisions,
        actions=tally.actions,
        effective=tally.effective,
        ineffective=tally.ineffective,
        late=open_actions.filter(due_on__lt=today).count(),
        open=open_actions.count(),
    )


def validate_demo_review(organisation: Organisation, *, today: dt.date) -> AnnualReview:
    """Freeze last year's draft review as its validated PDF, signed by the quality manager, and
    open this year's draft, in preparation (a new version never touches the validated one)."""
    review = AnnualReview.objects.for_org(organisation).get(status=ReviewStatus.DRAFT, number=1)
    manager = Membership.objects.for_org(organisation).get(role=Role.QUALITY_MANAGER).user
    # Validated on 8 January (before the year is closed on the 12th), or now on a demo built earlier.
    moment = min(aware_local(dt.datetime(today.year, 1, 8, 17), organisation.time_zone), timezone.now())
    pdf = annual_review_pdf(
        review=review, validated_by=manager, today=timezone.localdate(moment, organisation.time_zone)
    )
    validate_review(review=review, pdf=pdf, actor=manager, now=moment)
    create_review(organisation=organisation, actor=manager, year=today.year)
    review.refresh_from_db()
    return review
