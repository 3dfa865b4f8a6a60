"""Building a closed year's evidence pack: a list of steps (one per commitment, check campaign,
survey, steering meeting, then the town's files and the index), each telling its progress, that
write the ZIP (evidence.archive) from what the apps below hold (evidence.contents). The layout
of the ZIP is docs/evidence-pack.md's.

Figures come from the stored values of the year (frozen by its closing); the records behind a
computed figure come from its app's export (core.registries.EVIDENCE_EXPORTS), asked with the
indicator's period and params, without personal data. A file is written once: a records CSV
that several figures share (every call of the year) lives in the folder of the first commitment
that needs it, and the others link to it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePosixPath
from typing import IO, Any

from django.template.loader import render_to_string
from django.utils import timezone

from commitments.models import STATUS_LABELS, format_measure
from core.audit_forms import JOURNAL_HEADERS, journal_rows
from core.journal import action_label, person_name
from core.metrics import Memo, MetricQuery
from core.models import Organisation, User, YearClosing, YearCorrection
from core.periods import Granularity, Period
from core.registries import METRICS, RecordsExport, records_export
from core.templatetags.audit_tags import choice_label, field_label, model_label, readable
from documents.pdf import render_pdf
from evidence.archive import PackArchive, PackFile, safe_name
from evidence.contents import (
    CheckPart,
    CommitmentPart,
    IndicatorPart,
    MeetingPart,
    SurveyPart,
    check_parts,
    checks_of,
    commitment_parts,
    meeting_parts,
    scope_label,
    survey_parts,
    validated_review,
    verdict,
    year_actions,
    year_corrections,
    year_journal,
    year_periods,
)
from improvement.models import AnnualReview
from improvement.queries import EXPORT_HEADERS as ACTION_HEADERS
from improvement.queries import export_rows as action_rows
from reports.audit_report import audit_results_pdf
from reports.audit_report import report_filename as check_filename
from reports.steering import meeting_pack_pdf, minutes_filename, minutes_pdf, pack_filename, review_filename
from reports.survey_report import report_filename as survey_filename
from reports.survey_report import survey_results_pdf

Progress = Callable[[int, int, str], None]  # step done so far, steps, label of the step starting

INDICATOR_HEADERS = (
    "Indicateur",
    "Libellé",
    "Définition",
    "Mesure",
    "Paramètres",
    "Cible",
    "Période de mesure",
    "Période",
    "Périmètre",
    "Valeur",
    "Valeur affichée",
    "Numérateur",
    "Dénominateur",
    "Effectif",
    "Verdict",
    "Source",
    "Justificatif",
    "Enregistrements",
)
CORRECTION_HEADERS = ("Date", "Heure", "Par", "Enregistrement", "Modification", "Avant", "Après", "Motif", "Lignes")
PERIOD_HEADER = "Période"
TAMPERED = "le PDF conservé ne correspond plus à l'empreinte enregistrée à sa validation : il n'est pas joint"


@dataclass
class Pack:
    """What the build wrote, for the index: each part with its files."""

    organisation: Organisation
    year: int
    closing: YearClosing
    built_at: dt.datetime
    built_by: User | None
    commitments: list[CommitmentPart] = field(default_factory=list)
    checks: list[CheckPart] = field(default_factory=list)
    surveys: list[SurveyPart] = field(default_factory=list)
    meetings: list[MeetingPart] = field(default_factory=list)
    review: AnnualReview | None = None
    review_file: PackFile | None = None
    review_note: str = ""
    actions: PackFile | None = None
    corrections: PackFile | None = None
    journal: PackFile | None = None
    files: list[PackFile] = field(default_factory=list)

    @property
    def built_by_name(self) -> str:
        user = self.built_by
        return (user.full_name or user.email) if user is not None else "système"


@dataclass
class Step:
    label: str
    run: Callable[[], None]


class PackBuilder:
    """One build: `steps()` lists the work, each step writes its files into `archive`."""

    def __init__(self, pack: Pack, archive: PackArchive) -> None:
        self.pack = pack
        self.archive = archive
        self.shared: dict[Hashable, PackFile] = {}  # a records CSV already written, by what it holds

    # --- The plan ------------------------------------------------------------------------------

    def steps(self) -> list[Step]:
        pack, organisation, year = self.pack, self.pack.organisation, self.pack.year
        pack.commitments = commitment_parts(organisation, year)
        pack.checks = check_parts(organisation, year)
        pack.surveys = survey_parts(organisation, year)
        pack.meetings = meeting_parts(organisation, year)
        steps = [
            Step(f"Engagement {part.commitment.code} : indicateurs, enregistrements et justificatifs", run)
            for part in pack.commitments
            for run in [partial(self.write_commitment, part)]
        ]
        steps += [
            Step(f"Contrôle « {check.campaign.title} » : résultats", partial(self.write_check, check))
            for check in pack.checks
        ]
        steps += [
            Step(f"Enquête « {part.campaign.title} » : résultats", partial(self.write_survey, part))
            for part in pack.surveys
        ]
        steps += [
            Step(f"Comité de pilotage du {part.meeting.held_on:%d/%m/%Y} : dossier et compte rendu", run)
            for part in pack.meetings
            for run in [partial(self.write_meeting, part)]
        ]
        steps += [
            Step("Bilan annuel", self._review),
            Step("Plan d'amélioration", self._actions),
            Step("Corrections après clôture", self._corrections),
            Step(f"Journal des modifications {year}", self._journal),
        ]
        return steps

    # --- A commitment ------------------------------------------------------------------------------

    def write_commitment(self, part: CommitmentPart) -> None:
        for indicator_part in part.indicators:
            self.write_records(part.folder, indicator_part)
            self.write_evidence(part.folder, indicator_part)
        part.checks = checks_of(part.commitment, self.pack.checks)
        part.table = self.archive.add_csv(
            f"{part.folder}/indicateurs.csv",
            INDICATOR_HEADERS,
            self.indicator_rows(part),
            label=f"Indicateurs de l'engagement {part.commitment.code}, valeurs {self.pack.year}",
        )

    def write_records(self, folder: str, part: IndicatorPart) -> None:
        indicator = part.indicator
        metric = part.metric
        if metric is None or metric.is_manual:
            return
        export = records_export(indicator.metric_key)
        if export is None:
            part.records_note = "Pas d'export des enregistrements pour cette mesure."
            return
        key = self._records_key(export, part)
        if key in self.shared:
            part.records = self.shared[key]
            return
        path = f"{folder}/{safe_name(indicator.code)}-{export.name}.csv"
        what = "de l'année" if export.shared else f"de l'indicateur {indicator.code}"
        if export.shared:
            headers, rows = export.headers, self._shared_rows(export)
        else:
            headers, rows = (PERIOD_HEADER, *export.headers), self._period_rows(export, part)
        written = self.archive.add_csv_if_any(
            path, headers, rows, label=f"Enregistrements ({export.name}) {what}, sans données personnelles"
        )
        if written is None:
            part.records_note = f"Aucun enregistrement en {self.pack.year}."
            return
        part.records = self.shared[key] = written

    def _records_key(self, export: RecordsExport, part: IndicatorPart) -> Hashable:
        """What a records CSV holds: for a shared export, the year's records of its app; else
        those of one metric, its params and its periods."""
        if export.shared:
            return (export.name, export.headers)
        indicator = part.indicator
        params = json.dumps(indicator.params, sort_keys=True, default=str)
        return (export.name, export.headers, indicator.metric_key, params, indicator.granularity)

    def _query(self, period: Period, params: dict[str, Any], memo: Memo) -> MetricQuery:
        return MetricQuery(organisation=self.pack.organisation, period=period, params=params, memo=memo)

    def _shared_rows(self, export: RecordsExport) -> Iterator[Any]:
        year = Period(dt.date(self.pack.year, 1, 1), Granularity.YEAR)
        yield from export.rows(self._query(year, {}, Memo()), None)

    def _period_rows(self, export: RecordsExport, part: IndicatorPart) -> Iterator[Any]:
        """Each period's records, the period first: each figure of the year can be counted again."""
        indicator = part.indicator
        metric = METRICS.get(indicator.metric_key)
        assert metric.compute is not None
        for period in year_periods(indicator, self.pack.year):
            # a memo per period: what a metric reads for one period is let go before the next
            query = self._query(period, dict(indicator.params), Memo())
            for row in export.rows(query, metric.compute(query)):
                yield [period.label, *row]

    def write_evidence(self, folder: str, part: IndicatorPart) -> None:
        for value in part.values:
            if not value.evidence:
                continue
            suffix = PurePosixPath(value.evidence.name).suffix.lower()
            stem = PurePosixPath(value.evidence_name or "justificatif").stem
            scope = "" if value.service_id is None and value.site_id is None else f"-{safe_name(scope_label(value))}"
            name = f"{safe_name(part.indicator.code)}-{value.period.key}{scope}-{safe_name(stem)}{suffix}"
            label = f"Justificatif de l'indicateur {part.indicator.code}, {value.period.label}, {scope_label(value)}"
            added = self.archive.add_stored(f"{folder}/justificatifs/{name}", value.evidence, label=label)
            part.evidence.append(added)
            part.evidence_of[value.pk] = added

    def indicator_rows(self, part: CommitmentPart) -> Iterator[list[Any]]:
        """indicateurs.csv: each indicator's year, then every stored value of the year."""
        for indicator_part in part.indicators:
            indicator = indicator_part.indicator
            result = indicator_part.result
            records = indicator_part.records.link_from(part.folder) if indicator_part.records else ""
            described = [
                indicator.code,
                indicator.label,
                indicator_part.definition,
                indicator_part.metric_text,
                indicator_part.parameters,
                indicator.target_label,
                indicator.get_granularity_display(),  # type: ignore[attr-defined]
            ]
            numerator, denominator = indicator_part.counts
            yield [
                *described,
                f"Année {self.pack.year}",
                "toute la ville",
                result.value,
                result.value_text,
                numerator,
                denominator,
                sum(point.value.sample_size for point in result.points),
                result.status_label,
                "",
                "",
                records,
            ]
            for value in indicator_part.values:
                proof = indicator_part.evidence_of.get(value.pk)
                yield [
                    *described,
                    value.period.label,
                    scope_label(value),
                    value.value,
                    format_measure(value.value, indicator.unit),
                    value.numerator,
                    value.denominator,
                    value.sample_size,
                    verdict(value),
                    value.get_source_display(),  # type: ignore[attr-defined]
                    proof.link_from(part.folder) if proof is not None else "",
                    records if value.service_id is None and value.site_id is None else "",
                ]

    # --- The town's folders ------------------------------------------------------------------------

    def write_check(self, check: CheckPart) -> None:
        folder = "controles"
        title = check.campaign.title
        check.results = self.archive.add_bytes(
            f"{folder}/{check_filename(check.campaign)}",
            audit_results_pdf(check.campaign),
            label=f"Résultats du contrôle « {title} »",
        )
        for assessment in check.scans:
            suffix = PurePosixPath(assessment.scan.name).suffix.lower()
            name = f"{folder}/grilles-papier/controle-{check.campaign.pk}-grille-{assessment.pk}{suffix}"
            label = f"Grille papier numérisée du {assessment.checked_on:%d/%m/%Y}, contrôle « {title} »"
            check.scan_files.append(self.archive.add_stored(name, assessment.scan, label=label))

    def write_survey(self, part: SurveyPart) -> None:
        part.results = self.archive.add_bytes(
            f"enquetes/{survey_filename(part.campaign)}",
            survey_results_pdf(part.campaign),
            label=f"Résultats de l'enquête « {part.campaign.title} »",
        )

    def write_meeting(self, part: MeetingPart) -> None:
        meeting = part.meeting
        day = f"{meeting.held_on:%d/%m/%Y}"
        part.pack = self.archive.add_bytes(
            f"comites/{pack_filename(meeting)}", meeting_pack_pdf(meeting=meeting), label=f"Dossier du comité du {day}"
        )
        if meeting.held:
            part.minutes = self.archive.add_bytes(
                f"comites/{minutes_filename(meeting)}",
                minutes_pdf(meeting=meeting),
                label=f"Compte rendu du comité du {day}",
            )

    def _review(self) -> None:
        pack = self.pack
        review = pack.review = validated_review(pack.organisation, pack.year)
        if review is None or not review.pdf:
            pack.review_note = f"Aucune version du bilan annuel {pack.year} n'est validée."
            return
        with review.pdf.open("rb") as stored:
            content = stored.read()
        if hashlib.sha256(content).hexdigest() != review.pdf_sha256:
            pack.review_note = f"Bilan annuel {pack.year}, version {review.number} : {TAMPERED}."
            return
        pack.review_file = self.archive.add_bytes(
            f"bilan-annuel/{review_filename(review)}",
            content,
            label=f"Bilan annuel {pack.year}, version {review.number} validée (PDF figé)",
        )

    def _actions(self) -> None:
        pack = self.pack
        pack.actions = self.archive.add_csv(
            f"plan-amelioration/actions-{pack.year}.csv",
            ACTION_HEADERS,
            action_rows(year_actions(pack.organisation, pack.year)),
            label=f"Actions d'amélioration ouvertes, échues, réalisées ou vérifiées en {pack.year}, et leur efficacité",
        )

    def _corrections(self) -> None:
        pack = self.pack
        pack.corrections = self.archive.add_csv(
            f"corrections-apres-cloture-{pack.year}.csv",
            CORRECTION_HEADERS,
            correction_rows(year_corrections(pack.organisation, pack.closing), pack.organisation),
            label=f"Corrections enregistrées après la clôture de l'exercice {pack.year}",
        )

    def _journal(self) -> None:
        pack = self.pack
        events = year_journal(pack.organisation, pack.closing).iterator(chunk_size=2000)
        pack.journal = self.archive.add_csv(
            f"journal-{pack.year}.csv",
            JOURNAL_HEADERS,
            journal_rows(events, zone=pack.organisation.time_zone),
            label=f"Journal des modifications du 1er janvier {pack.year} à la clôture (heure de la ville)",
        )

    # --- The index ---------------------------------------------------------------------------------

    def write_index(self) -> None:
        pack = self.pack
        pack.files = list(self.archive.files)
        context = {"org": pack.organisation, "pack": pack, "status_labels": STATUS_LABELS}
        html = render_to_string("evidence/pack/index.html", context)
        self.archive.add_bytes("index.html", html.encode("utf-8"), label="Index du dossier (HTML)")
        pdf = render_pdf("evidence/pack/index_pdf.html", context)
        self.archive.add_bytes("index.pdf", pdf, label="Index du dossier (PDF)")


def correction_rows(corrections: Any, organisation: Organisation) -> Iterator[list[Any]]:
    """The corrections after closing: when (town time), who, which record, what changed, why."""
    zone = organisation.time_zone
    for correction in corrections:
        local = correction.at.astimezone(zone)
        changes = correction.changes or {}
        yield [
            local.date(),
            f"{local:%H:%M:%S}",
            person_name(correction),
            f"{model_label(correction.object_type)} {correction.object_repr}".strip(),
            action_label(correction.action),
            _changes_text(correction, changes.get("before")),
            _changes_text(correction, changes.get("after")),
            correction.reason,
            correction.rows,
        ]


def _changes_text(correction: YearCorrection, values: dict[str, Any] | None) -> str:
    if not values:
        return ""
    return " ; ".join(
        f"{field_label(correction.object_type, key)} : {readable(choice_label(correction.object_type, key, value))}"
        for key, value in values.items()
    )


def build_pack(
    *,
    organisation: Organisation,
    year: int,
    closing: YearClosing,
    handle: IO[bytes],
    built_by: User | None = None,
    progress: Progress | None = None,
) -> Pack:
    """Write the pack of `year` (closed by `closing`) as a ZIP to `handle`, telling `progress`
    before each step; returns what it holds."""
    moment = timezone.now()
    pack = Pack(organisation, year, closing, moment, built_by)
    archive = PackArchive(handle, moment.astimezone(organisation.time_zone))
    builder = PackBuilder(pack, archive)
    steps = builder.steps()
    total = len(steps) + 1
    for number, step in enumerate(steps):
        if progress is not None:
            progress(number, total, step.label)
        step.run()
    if progress is not None:
        progress(len(steps), total, "Index du dossier (HTML et PDF)")
    builder.write_index()
    archive.close()
    return pack
