from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "telephony"
    verbose_name = "Accueil téléphonique"

    def ready(self) -> None:
        from core.registries import CALENDAR_LISTENERS
        from telephony import importing, metrics
        from telephony.calendar import follow_calendar

        metrics.register_all()
        importing.register()
        CALENDAR_LISTENERS.register(
            "telephony", lambda organisation, actor, change: follow_calendar(organisation, change)
        )
