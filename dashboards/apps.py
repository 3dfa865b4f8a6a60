from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Accueil"

    def ready(self) -> None:
        pass
