from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Rendez-vous"

    def ready(self) -> None:
        from appointments import kiosk_views, metrics, todo
        from appointments.actions import close_past_days, create_defaults
        from core.registries import DAILY_JOBS, TODO_LISTS, TOWN_DEFAULTS

        metrics.register_all()
        TOWN_DEFAULTS.register("appointments", create_defaults)
        DAILY_JOBS.register("appointments.close_past_days", close_past_days)
        TODO_LISTS.register("appointments", todo.todo)
        kiosk_views.register()
