from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Réclamations"

    def ready(self) -> None:
        from complaints import closed_requests, evidence, hooks, metrics, todo
        from core.registries import CLOSED_REQUESTS, TODO_LISTS

        metrics.register_all()
        evidence.register()
        hooks.register_all()
        TODO_LISTS.register("complaints", todo.todo)
        CLOSED_REQUESTS.register("complaints", closed_requests.closed_requests)
