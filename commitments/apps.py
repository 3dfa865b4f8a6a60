from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Engagements"

    def ready(self) -> None:
        from django.urls import reverse

        from commitments import metrics
        from commitments.actions import recompute_after_change
        from commitments.queries import commitment_choices
        from core.registries import register_changes_listener, register_commitment_choices, register_landing_page

        metrics.register_all()
        register_commitment_choices(commitment_choices)
        register_changes_listener(recompute_after_change)
        register_landing_page(lambda membership: reverse("commitments:overview", args=[membership.organisation.slug]))
