"""The open sessions of a person, as "Mes sessions" lists them.

Django's session table has no user column and keeps its data encoded, so each signed-in
session gets a row here, written by `accounts.middleware.AccountMiddleware` when the session
starts and at most once a minute after that (never on every request)."""

from __future__ import annotations

from django.db import models

from core.models import User


class UserSession(models.Model):
    """A signed-in session: whose, from which browser and address, last seen when."""

    session_key = models.CharField("clé de session", max_length=40, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="open_sessions", verbose_name="personne")
    user_agent = models.CharField("navigateur", max_length=300, blank=True)
    ip_address = models.GenericIPAddressField("adresse", null=True, blank=True)
    started_at = models.DateTimeField("ouverte le")
    last_activity = models.DateTimeField("dernière activité")

    class Meta:
        verbose_name = "session ouverte"
        verbose_name_plural = "sessions ouvertes"
        ordering = ["-last_activity"]
        indexes = [models.Index(fields=["user", "last_activity"], name="user_session_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.last_activity:%d/%m/%Y %H:%M}"
