from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Réclamations"

    def ready(self) -> None:
        from complaints import hooks, metrics

        metrics.register_all()
        hooks.register_all()
