"""The forms of the surveys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core import signing

from core.forms import DATE_WIDGET
from core.models import Organisation
from surveys.answers import COMMENT_MAX_LENGTH, Submission
from surveys.models import Question, QuestionKind, Questionnaire

# A questionnaire sent back sooner than this after the page was shown was not filled by a
# person; later than the age, the page is stale (the form's signed start, never stored).
FASTEST_HUMAN = dt.timedelta(seconds=3)
FORM_MAX_AGE = dt.timedelta(hours=3)
STARTED_SALT = "surveys.started"


def _field(question: Question) -> forms.Field:
    common: dict[str, Any] = {"label": question.text, "help_text": question.help_text, "required": False}
    if question.kind == QuestionKind.TEXT:
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}), max_length=None, **common
        )
    if question.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(choices=question.choices, widget=forms.CheckboxSelectMultiple, **common)
    return forms.ChoiceField(choices=question.choices, widget=forms.RadioSelect, **common)


class AnswerForm(forms.Form):
    """A questionnaire: a field per question, named by its key, all optional here: which are
    required, and which apply after an earlier answer, is checked by surveys.answers."""

    website = forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.key] = _field(question)
        if not self.is_bound:
            self.initial["started"] = signing.TimestampSigner(salt=STARTED_SALT).sign("questionnaire")

    @property
    def is_robot(self) -> bool:
        """A honeypot filled in, or a questionnaire sent back faster than a person reads it."""
        if self.data.get("website"):
            return True
        try:
            signing.TimestampSigner(salt=STARTED_SALT).unsign(self.data.get("started", ""), max_age=FASTEST_HUMAN)
        except signing.SignatureExpired:
            return False
        except signing.BadSignature:
            return True
        return True

    def clean_started(self) -> str:
        try:
            signing.TimestampSigner(salt=STARTED_SALT).unsign(self.cleaned_data["started"], max_age=FORM_MAX_AGE)
        except signing.SignatureExpired as expired:
            raise forms.ValidationError(
                "Cette page est ouverte depuis plus de 3 heures : rechargez-la pour répondre."
            ) from expired
        except signing.BadSignature as bad:
            raise forms.ValidationError("Le formulaire est incomplet : rechargez la page.") from bad
        return str(self.cleaned_data["started"])

    def submission(self, *, channel: str, answered_on: dt.date, site: Any = None) -> Submission:
        choices: dict[str, list[str]] = {}
        texts: dict[str, str] = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.key)
            if question.kind == QuestionKind.TEXT:
                texts[question.key] = value or ""
            elif value:
                choices[question.key] = list(value) if isinstance(value, list) else [value]
        return Submission(channel=channel, answered_on=answered_on, site=site, choices=choices, texts=texts)


class CampaignForm(forms.Form):
    questionnaire = forms.ModelChoiceField(label="Questionnaire", queryset=Questionnaire.objects.none())
    title = forms.CharField(
        label="Intitulé", max_length=200, help_text="Par exemple « Enquête de satisfaction, avril 2027 »."
    )
    opens_on = forms.DateField(label="Ouverture", widget=DATE_WIDGET)
    closes_on = forms.DateField(
        label="Clôture", widget=DATE_WIDGET, help_text="Les résultats comptent dans la période de ce jour."
    )
    on_web = forms.BooleanField(label="Lien web (affiche avec code QR, site de la ville)", required=False)
    on_kiosk = forms.BooleanField(label="Borne à l'accueil", required=False)
    on_paper = forms.BooleanField(label="Questionnaire papier saisi par les agents", required=False)
    on_email = forms.BooleanField(label="Invitation par courriel après une demande close", required=False)
    sample_every = forms.IntegerField(
        label="À la borne, proposer le questionnaire à un visiteur sur",
        required=False,
        min_value=2,
        max_value=100,
        help_text="Laissez vide pour le proposer à chaque visiteur.",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.for_org(organisation)  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ModerationForm(forms.Form):
    published_text = forms.CharField(
        label="Texte à publier",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Retirez tout nom, adresse, numéro ou détail qui permettrait de reconnaître quelqu'un.",
    )
    decision = forms.ChoiceField(choices=[("publish", "Publier"), ("hide", "Écarter")], widget=forms.HiddenInput)
