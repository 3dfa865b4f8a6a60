from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "telephony"
    verbose_name = "Accueil téléphonique"

    def ready(self) -> None:
        from telephony import importing, metrics

        metrics.register_all()
        importing.register()
