from django.apps import AppConfig


class CivilRegistryConfig(AppConfig):
    name = "civil_registry"
    verbose_name = "État civil"

    def ready(self) -> None:
        from civil_registry import metrics
        from civil_registry.actions import ensure_rules, recompute_due_dates
        from civil_registry.imports import import_act_errors, import_acts
        from civil_registry.reminders import reminders
        from core.deadlines import register_due_date_recomputer
        from core.register_imports import register_importer
        from core.registries import register_town_defaults
        from core.reminders import register_reminder_provider

        metrics.register_all()
        register_importer("acts", "Demandes d'actes d'état civil", import_acts)
        register_importer("act_errors", "Erreurs constatées sur des actes d'état civil", import_act_errors)
        register_reminder_provider("civil_registry", reminders)
        register_town_defaults("civil_registry", lambda organisation, actor: ensure_rules(organisation))
        register_due_date_recomputer(
            "civil_registry", lambda organisation, actor: recompute_due_dates(organisation, actor=actor)
        )
