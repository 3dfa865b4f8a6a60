"""The forms of the surveys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core import signing

from core.contacts import single_email_address
from core.forms import DATE_WIDGET
from core.models import Organisation, Site
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
    on_email = forms.BooleanField(
        label="Invitation par courriel après une demande close",
        required=False,
        help_text=(
            "Chaque jour, les usagers dont une réclamation ou un courrier a été clos dans les 7 derniers jours "
            "reçoivent une fois le lien du questionnaire, sans rien qui les relie à leurs réponses."
        ),
    )
    sample_every = forms.IntegerField(
        label="Échantillonnage : solliciter une personne sur",
        required=False,
        min_value=2,
        max_value=100,
        help_text=(
            "À la borne, un visiteur sur ce nombre ; par courriel, une demande close sur ce nombre. "
            "Laissez vide pour solliciter tout le monde."
        ),
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


def digit_choices(question: Question) -> list[tuple[str, str, str]]:
    """(digit typed, code, label) of each answer on a paper entry form: 1 for the first choice,
    2 for the second…; a score is typed as itself (0 to 10)."""
    if question.kind == QuestionKind.SCORE:
        return [(code, code, label) for code, label in question.choices]
    return [(str(index), code, label) for index, (code, label) in enumerate(question.choices, start=1)]


class PaperEntryForm(forms.Form):
    """A paper questionnaire typed at the keyboard: the day written on it, the site, then for
    each question the digit of the answer ticked (several digits for a multiple choice, nothing
    when left blank) and the free texts as written."""

    answered_on = forms.DateField(label="Jour de la réponse", widget=DATE_WIDGET)
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), required=False)

    def __init__(self, *args: Any, questions: list[Question], organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["site"].queryset = Site.objects.for_org(organisation)  # type: ignore[attr-defined]
        for question in questions:
            if question.kind == QuestionKind.TEXT:
                field: forms.Field = forms.CharField(
                    label=question.text, required=False, widget=forms.Textarea(attrs={"rows": 2})
                )
            else:
                keys = " ; ".join(f"{digit} {label}" for digit, _, label in digit_choices(question))
                field = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=20,
                    help_text=keys,
                    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "digits"}),
                )
            self.fields[question.key] = field
        if questions and not self.is_bound:  # the next questionnaire: the cursor on its first answer
            self.fields[questions[0].key].widget.attrs["autofocus"] = True

    def _codes(self, question: Question, typed: str) -> list[str]:
        by_digit = {digit: code for digit, code, _ in digit_choices(question)}
        if question.kind == QuestionKind.SCORE:
            tokens = [typed] if typed else []
        else:
            tokens = [char for char in typed if not char.isspace() and char not in ",;"]
        unknown = [token for token in tokens if token not in by_digit]
        if unknown:
            raise forms.ValidationError(f"« {typed} » : tapez {', '.join(by_digit)}.")
        if len(tokens) > 1 and question.kind != QuestionKind.MULTIPLE:
            raise forms.ValidationError("Un seul chiffre pour cette question.")
        return [by_digit[token] for token in tokens]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in self.questions:
            if question.kind == QuestionKind.TEXT:
                continue
            try:
                data[question.key] = self._codes(question, (data.get(question.key) or "").strip())
            except forms.ValidationError as error:
                self.add_error(question.key, error)
        return data

    def submission(self, channel: str) -> Submission:
        data = self.cleaned_data
        choices = {q.key: data[q.key] for q in self.questions if q.kind != QuestionKind.TEXT and data.get(q.key)}
        texts = {q.key: data.get(q.key) or "" for q in self.questions if q.kind == QuestionKind.TEXT}
        return Submission(channel, data["answered_on"], site=data.get("site"), choices=choices, texts=texts)


class AnswerImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier des réponses",
        help_text="CSV (séparateur ; ou ,), XLSX ou ODS : une colonne « Jour », une colonne « Site » facultative, "
        "puis une colonne par question, titrée par son texte ou son code, comme l'export des réponses.",
    )


class RefusalAddressForm(forms.Form):
    """An address typed by the quality manager, to set aside from the e-mail invitations, check
    or put back. A pasted sender line ("Jeanne Roy <Jeanne.Roy@exemple.fr>") gives its address;
    it is read as the daily job reads a request's (core.contacts.single_email_address)."""

    address = forms.CharField(
        label="Adresse électronique",
        max_length=254,
        help_text="L'adresse de l'usager telle qu'elle figure dans sa réponse, par exemple prenom.nom@exemple.fr.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "email", "spellcheck": "false"}),
    )

    def clean_address(self) -> str:
        typed: str = self.cleaned_data["address"]
        address = single_email_address(typed)
        if address is None:
            raise forms.ValidationError(
                "Ce n'est pas une adresse électronique valide : saisissez une seule adresse, "
                "de la forme prenom.nom@exemple.fr."
            )
        return address
