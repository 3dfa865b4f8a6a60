from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Engagements"

    def ready(self) -> None:
        from commitments import metrics

        metrics.register_all()
