from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Rendez-vous"

    def ready(self) -> None:
        from appointments import evidence, importing, kiosk_views, metrics, todo
        from appointments.actions import close_past_days, create_defaults
        from appointments.privacy import anonymise_appointments
        from appointments.reminders import send_reminders
        from core.registries import ANONYMISERS, DAILY_JOBS, TODO_LISTS, TOWN_DEFAULTS, Anonymiser

        metrics.register_all()
        evidence.register()
        importing.register()
        TOWN_DEFAULTS.register("appointments", create_defaults)
        DAILY_JOBS.register("appointments.close_past_days", close_past_days)
        DAILY_JOBS.register("appointments.send_reminders", send_reminders)
        ANONYMISERS.register("appointments", Anonymiser("Rendez-vous", anonymise_appointments))
        TODO_LISTS.register("appointments", todo.todo)
        kiosk_views.register()
