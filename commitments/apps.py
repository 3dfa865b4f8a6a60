from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Engagements"

    def ready(self) -> None:
        from django.urls import reverse

        from commitments import metrics
        from commitments.actions import recompute_after_change
        from commitments.queries import commitment_choices
        from core.registries import CHANGES_LISTENERS, COMMITMENT_CHOICES, LANDING_PAGES

        metrics.register_all()
        COMMITMENT_CHOICES.register("commitments", commitment_choices)
        CHANGES_LISTENERS.register("commitments", recompute_after_change)
        LANDING_PAGES.register(
            "commitments", lambda membership: reverse("commitments:overview", args=[membership.organisation.slug])
        )
