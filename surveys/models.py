"""Satisfaction surveys: a questionnaire (sections and questions), the campaigns that run it,
and the anonymous answers with their stored counts.

Anonymous by design (domain.md): a response keeps its campaign, its channel, its site and the
day it was given, nothing else; no account, no address, no exact time. Free-text comments are
kept apart (Comment) and shown beyond the quality manager only once moderated.

Results are read from stored counts (AnswerCount), kept by the same transaction that writes a
response, so that a campaign of 100,000 answers reads a few hundred rows."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.concurrency import Versioned
from core.models import OrgOwned, OrgQuerySet, Site


class QuestionKind(models.TextChoices):
    SCALE = "scale", "échelle de satisfaction"
    YES_NO = "yes_no", "oui / non"
    SINGLE = "single", "choix unique"
    MULTIPLE = "multiple", "choix multiples"
    SCORE = "score", "note de 0 à 10"
    TEXT = "text", "texte libre"


# The default five-point scale (domain.md), and yes/no, as (code, label): fixed, not edited.
SCALE = (
    ("tres_satisfait", "Très satisfait"),
    ("satisfait", "Satisfait"),
    ("peu_satisfait", "Peu satisfait"),
    ("pas_satisfait", "Pas du tout satisfait"),
    ("sans_avis", "Sans avis"),
)
YES_NO = (("oui", "Oui"), ("non", "Non"))
SATISFIED = frozenset({"tres_satisfait", "satisfait", "oui"})
DISSATISFIED = frozenset({"peu_satisfait", "pas_satisfait", "non"})
NO_OPINION = frozenset({"sans_avis"})
SCORES = tuple((str(score), str(score)) for score in range(11))
# The kinds whose answers give a satisfaction share.
SATISFACTION_KINDS = frozenset({QuestionKind.SCALE, QuestionKind.YES_NO})


class Channel(models.TextChoices):
    WEB = "web", "lien web"
    KIOSK = "kiosk", "borne à l'accueil"
    PAPER = "paper", "questionnaire papier"
    EMAIL = "email", "invitation par courriel"
    IMPORT = "import", "fichier importé"


class Questionnaire(OrgOwned, Versioned):
    title = models.CharField("titre", max_length=200)
    introduction = models.TextField("introduction", blank=True, help_text="Affichée au début du questionnaire.")
    thanks = models.CharField(
        "message de remerciement",
        max_length=300,
        default="Merci pour votre participation : vos réponses sont anonymes.",
    )
    created_on = models.DateField("créé le")

    class Meta:
        ordering = ["-created_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Section(OrgOwned):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField("ordre")
    title = models.CharField("titre", max_length=200)

    class Meta:
        ordering = ["questionnaire", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(OrgOwned):
    """One question. `key` names it across campaigns and towns ("signaletique", "globale"): the
    commitment indicators read a question by its key (params `question`), and a campaign is
    compared with the previous one question by question on it."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField("ordre")
    key = models.SlugField("code", max_length=40)
    text = models.CharField("question", max_length=300)
    help_text = models.CharField("précision", max_length=300, blank=True)
    kind = models.CharField("type", max_length=10, choices=QuestionKind.choices)
    required = models.BooleanField("réponse obligatoire", default=False)
    # For single and multiple choices: [[code, label], …]; the scale and yes/no are fixed.
    options = models.JSONField("choix proposés", default=list, blank=True)
    # A respondent profile question (age, reason of the visit…): results can be read by it.
    is_profile = models.BooleanField("question de profil", default=False)
    # Asked only after the given answer to an earlier question.
    shown_after = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="posée après"
    )
    shown_if = models.CharField("si la réponse est", max_length=40, blank=True)
    commitment_code = models.CharField("engagement mesuré", max_length=40, blank=True)

    class Meta:
        ordering = ["questionnaire", "section__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="survey_question_unique_key"),
            models.CheckConstraint(
                condition=Q(shown_after__isnull=True, shown_if="") | Q(shown_after__isnull=False) & ~Q(shown_if=""),
                name="survey_question_condition_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        """The answers offered, as (code, label)."""
        match self.kind:
            case QuestionKind.SCALE:
                return SCALE
            case QuestionKind.YES_NO:
                return YES_NO
            case QuestionKind.SCORE:
                return SCORES
            case QuestionKind.SINGLE | QuestionKind.MULTIPLE:
                return tuple((str(code), str(label)) for code, label in self.options)
        return ()

    @cached_property
    def routes(self) -> bool:
        """Whether other questions are asked only after a given answer to this one (« Avez-vous
        appelé la mairie ? »): such a question sorts the respondents rather than judging a
        service. One query, unless the questionnaire's loader already set it (mark_routing)."""
        return Question.objects.filter(shown_after=self).exists()

    @property
    def measures_satisfaction(self) -> bool:
        """Whether its answers give a satisfaction share: the scale and yes/no, unless the
        question routes to others, whose "non" is no dissatisfaction: then it is reported as a
        distribution only, on the campaign page and in the report alike."""
        return self.kind in SATISFACTION_KINDS and not self.routes


def mark_routing(questions: list[Question]) -> list[Question]:
    """Set `routes` on each of a questionnaire's questions from the list itself (no query)."""
    leading = {question.shown_after_id for question in questions}
    for question in questions:
        question.routes = question.pk in leading
    return questions


class CampaignQuerySet(OrgQuerySet):
    def open_on(self, day: dt.date) -> CampaignQuerySet:
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Campaign(OrgOwned, Versioned):
    """A run of a questionnaire between two days, on the channels the town chose. Its results
    belong to the period of its closing day: a campaign is measured as a whole."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="campaigns", verbose_name="questionnaire"
    )
    title = models.CharField("intitulé", max_length=200)
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture")
    # The channels offered: none by default, the quality manager ticks them.
    on_web = models.BooleanField("lien web", default=False)
    on_kiosk = models.BooleanField("borne à l'accueil", default=False)
    on_paper = models.BooleanField("questionnaire papier", default=False)
    on_email = models.BooleanField("invitation par courriel", default=False)
    # Ask one visitor in N at the kiosk, invite one closed request in N by e-mail (none: everyone).
    sample_every = models.PositiveSmallIntegerField(
        "un visiteur sur", null=True, blank=True, validators=[MinValueValidator(2), MaxValueValidator(100)]
    )
    # The short code of the public address (/p/<town>/enquete/<code>/): no I, O, 0 or 1.
    code = models.CharField("code public", max_length=12, unique=True)

    objects = CampaignQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="survey_campaign_dates"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: dt.date) -> bool:
        return self.opens_on <= today <= self.closes_on

    def is_closed(self, today: dt.date) -> bool:
        return today > self.closes_on

    @property
    def channels(self) -> list[str]:
        offered = {
            Channel.WEB: self.on_web,
            Channel.KIOSK: self.on_kiosk,
            Channel.PAPER: self.on_paper,
            Channel.EMAIL: self.on_email,
        }
        return [channel for channel, on in offered.items() if on]

    @property
    def channel_labels(self) -> list[str]:
        return [str(Channel(channel).label) for channel in self.channels]

    def invites_visitor(self, visitor: int) -> bool:
        """Whether the kiosk invites the day's `visitor`-th visitor (counted from 1) to answer:
        everyone without a sampling rule, else one visitor in `sample_every` (the N-th, the
        2N-th...)."""
        return not self.sample_every or visitor % self.sample_every == 0


class Response(OrgOwned):
    """One anonymous questionnaire: the channel, the site when known, the day only."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_on = models.DateField("jour de la réponse")

    class Meta:
        indexes = [models.Index(fields=["organisation", "campaign", "answered_on"], name="survey_response_day")]


class Answer(OrgOwned):
    """One choice of a response: a code of the question's choices (a score as "0" to "10"); a
    multiple-choice question gives a row per code ticked. Free text goes to Comment."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    code = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["question", "code"], name="survey_answer_question_code")]


class Moderation(models.TextChoices):
    PENDING = "pending", "à modérer"
    PUBLISHED = "published", "publiable"
    HIDDEN = "hidden", "écarté"


class Comment(OrgOwned):
    """A free-text answer. The text as written is read by the quality manager only; readers,
    auditors and the published report see `published_text`, once moderated (personal data
    removed, or the comment set aside)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="comments")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="comments")
    text = models.TextField("commentaire")
    moderation = models.CharField("modération", max_length=10, choices=Moderation.choices, default=Moderation.PENDING)
    published_text = models.TextField("texte publiable", blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "moderation"], name="survey_comment_moderation")]


class Dimension(models.TextChoices):
    """How a stored count is broken down. The totals are the sum over the channels."""

    CHANNEL = "channel", "canal"
    SITE = "site", "site"
    PROFILE = "profile", "profil"


# The code of the count of responses that answered a question at all.
ANSWERED = ""


class AnswerCount(OrgOwned):
    """How many responses of a campaign gave `code` to `question` (ANSWERED: gave any answer),
    by channel, by site (`value`: the site's id) and by each profile question's answer
    (`value`: "<profile key>:<code>")."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="counts")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40)
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    value = models.CharField(max_length=90)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "question", "code", "dimension", "value"], name="survey_count_unique"
            )
        ]


class SurveyInvitation(OrgOwned):
    """A citizen invited by e-mail, after their request was closed, to answer a campaign: which
    request (`request_key`, core.registries.ClosedRequest.key) and the day it was sent, so that a
    request is invited once. It keeps no address, and nothing links it to a response: the
    e-mail carries the campaign's public link, the same for everyone (ADR 0022)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    request_key = models.CharField("demande", max_length=60)
    sent_on = models.DateField("envoyée le")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "request_key"], name="survey_invitation_once_a_request")
        ]
        indexes = [models.Index(fields=["organisation", "campaign", "sent_on"], name="survey_invitation_campaign")]


class InvitationRefusal(OrgOwned):
    """An e-mail address that asked for no more survey invitations: the daily job skips it.
    Kept as a keyed hash of the address (surveys.refusals.address_digest: HMAC-SHA256 with a
    key derived from the site's secret key and the town), never the address itself, so the
    list cannot be read back, only checked against an address typed again or a request's."""

    address_digest = models.CharField("empreinte de l'adresse", max_length=64)
    recorded_on = models.DateField("écartée le")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "address_digest"], name="survey_refusal_once_an_address")
        ]

    def __str__(self) -> str:
        return f"adresse écartée le {self.recorded_on:%d/%m/%Y}"
