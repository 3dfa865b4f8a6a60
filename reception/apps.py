from django.apps import AppConfig


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = "Accueil physique"

    def ready(self) -> None:
        from core.registries import TOWN_DEFAULTS
        from reception import importing, metrics
        from reception.defaults import create_default_reasons

        metrics.register_all()
        importing.register()
        TOWN_DEFAULTS.register("reception", create_default_reasons)
