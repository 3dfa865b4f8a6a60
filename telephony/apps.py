from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "telephony"
    verbose_name = "Accueil téléphonique"

    def ready(self) -> None:
        from core.registries import CALENDAR_LISTENERS, RING_CYCLE_LISTENERS, TODO_LISTS
        from telephony import evidence, importing, metrics, todo
        from telephony.actions import follow_ring_cycle
        from telephony.calendar import follow_calendar

        metrics.register_all()
        evidence.register()
        importing.register()
        RING_CYCLE_LISTENERS.register("telephony", follow_ring_cycle)
        TODO_LISTS.register("telephony", todo.todo)
        CALENDAR_LISTENERS.register(
            "telephony", lambda organisation, actor, change: follow_calendar(organisation, change)
        )
