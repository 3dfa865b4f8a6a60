from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "correspondence"
    verbose_name = "Courriers et demandes écrites"

    def ready(self) -> None:
        from core.deadlines import register_due_date_recomputer
        from core.register_imports import register_importer
        from core.registries import Anonymiser, register_anonymiser, register_town_defaults
        from core.reminders import register_reminder_provider
        from correspondence import metrics
        from correspondence.actions import anonymise_requests, recompute_due_dates
        from correspondence.imports import import_requests
        from correspondence.reminders import reminders
        from correspondence.rules import ensure_defaults

        metrics.register_all()
        register_anonymiser("correspondence", Anonymiser("Courriers et demandes écrites", anonymise_requests))
        register_importer("requests", "Courriers et demandes écrites", import_requests)
        register_reminder_provider("correspondence", reminders)
        register_town_defaults("correspondence", lambda organisation, actor: ensure_defaults(organisation))
        register_due_date_recomputer(
            "correspondence", lambda organisation, actor: recompute_due_dates(organisation, actor=actor)
        )
