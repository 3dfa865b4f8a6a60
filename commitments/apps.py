from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Engagements"

    def ready(self) -> None:
        from django.urls import reverse

        from commitments import metrics, todo
        from commitments.actions import recompute_after_changes, refresh_values_time_changes
        from commitments.queries import commitment_choices, internal_commitment_codes
        from core.registries import (
            CHANGES_LISTENERS,
            COMMITMENT_CHOICES,
            DAILY_JOBS,
            INTERNAL_COMMITMENTS,
            LANDING_PAGES,
            TODO_LISTS,
        )

        metrics.register_all()
        COMMITMENT_CHOICES.register("commitments", commitment_choices)
        INTERNAL_COMMITMENTS.register("commitments", internal_commitment_codes)
        CHANGES_LISTENERS.register("commitments", recompute_after_changes)
        DAILY_JOBS.register("refresh_values_time_changes", refresh_values_time_changes)
        TODO_LISTS.register("commitments", todo.todo)
        LANDING_PAGES.register(
            "commitments", lambda membership: reverse("commitments:overview", args=[membership.organisation.slug])
        )
