from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Grilles et contrôles"

    def ready(self) -> None:
        from audits import metrics
        from audits.actions import create_default_grids, open_campaigns_of_the_day
        from core.registries import DAILY_JOBS, TOWN_DEFAULTS

        metrics.register_all()
        TOWN_DEFAULTS.register("audits", create_default_grids)
        DAILY_JOBS.register("audits.open_campaigns", open_campaigns_of_the_day)
