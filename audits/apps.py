from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Grilles et contrôles"

    def ready(self) -> None:
        from audits import evidence, metrics
        from audits.actions import create_default_grids, open_campaigns_of_the_day
        from audits.fill_views import tester_landing
        from core.registries import DAILY_JOBS, LANDING_PAGES, TOWN_DEFAULTS

        metrics.register_all()
        evidence.register()
        TOWN_DEFAULTS.register("audits", create_default_grids)
        DAILY_JOBS.register("audits.open_campaigns", open_campaigns_of_the_day)
        # Offered to the outside testers only; core.registries.landing_page skips the pages a
        # tester may not open (the dashboards', the commitments'), so they land here.
        LANDING_PAGES.register("audits", tester_landing)
