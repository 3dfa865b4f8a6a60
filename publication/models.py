"""What a town publishes of its results: the licence of its open data (one row per town) and
each publication, validated by the quality manager and kept as it was shown (a frozen snapshot)."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.models import Organisation, OrgOwned, User


class Licence(models.TextChoices):
    """The open licences a town may choose for its published results (SPDX identifiers)."""

    ETALAB = "etalab-2.0", "Licence Ouverte / Open Licence version 2.0 (Etalab)"
    ODBL = "ODbL-1.0", "Open Database License (ODbL) version 1.0"
    CC_BY = "CC-BY-4.0", "Creative Commons Attribution 4.0 International (CC-BY 4.0)"


LICENCE_URLS = {
    Licence.ETALAB: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    Licence.ODBL: "https://opendatacommons.org/licenses/odbl/1-0/",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/deed.fr",
}


class PublicationSettings(OrgOwned):
    """The licence of the town's next publications (one row per town, created with the town)."""

    licence = models.CharField(
        "licence des données publiées", max_length=20, choices=Licence.choices, default=Licence.ETALAB
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "paramètres de publication des résultats"
        constraints = [models.UniqueConstraint(fields=["organisation"], name="publication_settings_one_per_org")]

    def __str__(self) -> str:
        return "Licence des résultats publiés"

    @classmethod
    def for_org(cls, organisation: Organisation) -> PublicationSettings:
        """The town's row, or the defaults (unsaved) for a town without one."""
        found = cls.objects.filter(organisation=organisation).first()
        return found or cls(organisation=organisation)


class PublicationError(Exception):
    """A publication is written once and never changed."""


class Publication(OrgOwned):
    """The results of one complete year as the quality manager previewed and validated them.

    `content` is the snapshot the public page, the posters and the open data files are drawn
    from (publication.snapshot): later recomputations of the stored values change nothing of it.
    A year may be published again (a correction): each publication is kept with its version, and
    its licence is the one it was released under."""

    year = models.PositiveSmallIntegerField("année publiée")
    version = models.PositiveSmallIntegerField("version")
    content = models.JSONField("contenu publié")
    content_sha256 = models.CharField("empreinte SHA-256 du contenu", max_length=64)
    licence = models.CharField("licence", max_length=20, choices=Licence.choices)
    validated_at = models.DateTimeField("validée le")
    validated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="validée par"
    )

    class Meta:
        verbose_name = "publication des résultats"
        verbose_name_plural = "publications des résultats"
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "version"], name="publication_unique_version")
        ]

    def __str__(self) -> str:
        return f"Résultats {self.year} (version {self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PublicationError("Une publication ne se modifie pas : publiez une nouvelle version.")
        super().save(*args, **kwargs)

    @property
    def licence_label(self) -> str:
        return Licence(self.licence).label

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS[Licence(self.licence)]

    @property
    def licence_summary(self) -> str:
        return LICENCE_SUMMARIES[Licence(self.licence)]


# What each licence lets a reader do, in a sentence of the public page.
LICENCE_SUMMARIES = {
    Licence.ETALAB: (
        "vous pouvez les réutiliser librement, y compris à des fins commerciales, "
        "en citant la source et la date de publication"
    ),
    Licence.ODBL: (
        "vous pouvez les réutiliser librement en citant la source, "
        "et partager sous la même licence toute base de données qui en est tirée"
    ),
    Licence.CC_BY: "vous pouvez les réutiliser librement, y compris à des fins commerciales, en citant la source",
}
