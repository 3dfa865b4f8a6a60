from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "Amélioration continue"

    def ready(self) -> None:
        from core.registries import DAILY_JOBS, RECORD_PANELS, TODO_LISTS
        from improvement import evidence, metrics, review_metrics, todo
        from improvement.effectiveness import judge_due_checks
        from improvement.panels import action_panels
        from improvement.reminders import reminders
        from registers.reminders import REMINDER_PROVIDERS

        metrics.register_all()
        evidence.register()
        review_metrics.register_all()
        DAILY_JOBS.register("improvement.effectiveness_checks", judge_due_checks)
        RECORD_PANELS.register("improvement.actions", action_panels)
        REMINDER_PROVIDERS.register("improvement", reminders)
        TODO_LISTS.register("improvement", todo.todo)
