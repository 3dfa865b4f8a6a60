from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Réclamations"

    def ready(self) -> None:
        from complaints import hooks, metrics, todo
        from core.registries import TODO_LISTS

        metrics.register_all()
        hooks.register_all()
        TODO_LISTS.register("complaints", todo.todo)
