from django.apps import AppConfig


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = "Accueil physique"

    def ready(self) -> None:
        from core.registries import register_town_defaults
        from reception import importing, metrics
        from reception.defaults import create_default_reasons

        metrics.register_all()
        importing.register()
        register_town_defaults("reception", create_default_reasons)
