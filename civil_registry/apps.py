from django.apps import AppConfig


class CivilRegistryConfig(AppConfig):
    name = "civil_registry"
    verbose_name = "État civil"

    def ready(self) -> None:
        from civil_registry import evidence, metrics, todo
        from civil_registry.actions import ensure_rules, follow_calendar_change
        from civil_registry.imports import import_act_errors, import_acts
        from civil_registry.reminders import reminders
        from core.registries import CALENDAR_LISTENERS, TODO_LISTS, TOWN_DEFAULTS
        from registers.imports import IMPORTERS, RegisteredImporter
        from registers.reminders import REMINDER_PROVIDERS

        metrics.register_all()
        evidence.register()
        IMPORTERS.register("acts", RegisteredImporter("acts", "Demandes d'actes d'état civil", import_acts))
        IMPORTERS.register(
            "act_errors",
            RegisteredImporter("act_errors", "Erreurs constatées sur des actes d'état civil", import_act_errors),
        )
        REMINDER_PROVIDERS.register("civil_registry", reminders)
        TODO_LISTS.register("civil_registry", todo.todo)
        TOWN_DEFAULTS.register("civil_registry", lambda organisation, actor: ensure_rules(organisation))
        CALENDAR_LISTENERS.register(
            "civil_registry", lambda organisation, actor, change: follow_calendar_change(organisation, change)
        )
