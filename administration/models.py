"""Invitations waiting for the invited person's answer."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.models import OrgOwned, Role, User


class Invitation(OrgOwned):
    """An invitation to a town for someone who already has an account (often a member of
    another town): they become a member only when they accept it, logged in. Until then the
    inviting town knows the address it typed, never the person's name. Answered invitations
    are deleted; the audit trail keeps the invitation, the acceptance or the refusal."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations", verbose_name="personne")
    email = models.EmailField("adresse e-mail invitée")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    ends_on = models.DateField("fin d'accès", null=True, blank=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="invité par"
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now)

    class Meta:
        verbose_name = "invitation"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="invitation_once_per_town_and_person"),
        ]

    def __str__(self) -> str:
        return f"Invitation de {self.email} à {self.organisation}"
