from django.apps import AppConfig


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = "Accueil physique"

    def ready(self) -> None:
        from reception import importing, metrics

        metrics.register_all()
        importing.register()
