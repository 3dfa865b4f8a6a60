from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "Amélioration continue"

    def ready(self) -> None:
        pass
