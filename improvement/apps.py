from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "Amélioration continue"

    def ready(self) -> None:
        from core.registries import TODO_LISTS
        from improvement import todo

        TODO_LISTS.register("improvement", todo.todo)
