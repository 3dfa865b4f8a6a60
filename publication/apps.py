from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "publication"
    verbose_name = "Publication des résultats"

    def ready(self) -> None:
        from core.registries import TOWN_DEFAULTS
        from publication.actions import create_defaults

        TOWN_DEFAULTS.register("publication", create_defaults)
