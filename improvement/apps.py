from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "Amélioration continue"

    def ready(self) -> None:
        from improvement import review_metrics  # steering: indicator 23.2 from the validated reviews

        review_metrics.register_all()
