from django.apps import AppConfig


class CivilRegistryConfig(AppConfig):
    name = "civil_registry"
