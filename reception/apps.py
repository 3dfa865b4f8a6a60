from django.apps import AppConfig


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = "Accueil physique"

    def ready(self) -> None:
        from core.registries import DAILY_JOBS, TODO_LISTS, TOWN_DEFAULTS
        from reception import evidence, importing, kiosk_views, metrics, todo, waiting_room_views
        from reception.actions import close_yesterdays_queue
        from reception.defaults import create_default_reasons

        metrics.register_all()
        evidence.register()
        importing.register()
        TOWN_DEFAULTS.register("reception", create_default_reasons)
        DAILY_JOBS.register("reception.close_waiting_tickets", close_yesterdays_queue)
        TODO_LISTS.register("reception", todo.todo)
        kiosk_views.register()
        waiting_room_views.register()
