from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "correspondence"
    verbose_name = "Courriers et demandes écrites"

    def ready(self) -> None:
        from core.registries import (
            ANONYMISERS,
            CALENDAR_LISTENERS,
            CLOSED_REQUESTS,
            TODO_LISTS,
            TOWN_DEFAULTS,
            Anonymiser,
        )
        from correspondence import closed_requests, evidence, metrics, todo
        from correspondence.actions import anonymise_requests, follow_calendar_change
        from correspondence.imports import import_requests
        from correspondence.reminders import reminders
        from correspondence.rules import ensure_defaults
        from registers.imports import IMPORTERS, RegisteredImporter
        from registers.reminders import REMINDER_PROVIDERS

        metrics.register_all()
        evidence.register()
        ANONYMISERS.register("correspondence", Anonymiser("Courriers et demandes écrites", anonymise_requests))
        IMPORTERS.register("requests", RegisteredImporter("requests", "Courriers et demandes écrites", import_requests))
        REMINDER_PROVIDERS.register("correspondence", reminders)
        TODO_LISTS.register("correspondence", todo.todo)
        CLOSED_REQUESTS.register("correspondence", closed_requests.closed_requests)
        TOWN_DEFAULTS.register("correspondence", lambda organisation, actor: ensure_defaults(organisation))
        CALENDAR_LISTENERS.register(
            "correspondence", lambda organisation, actor, change: follow_calendar_change(organisation, change)
        )
