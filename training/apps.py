from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Formation et sensibilisation"

    def ready(self) -> None:
        from core.registries import TODO_LISTS, TOWN_DEFAULTS
        from training import evidence, metrics, todo
        from training.actions import create_defaults

        metrics.register_all()
        evidence.register()
        TODO_LISTS.register("training", todo.todo)
        TOWN_DEFAULTS.register("training", create_defaults)
