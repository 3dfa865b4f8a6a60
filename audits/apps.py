from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Grilles et contrôles"

    def ready(self) -> None:
        from audits.fill_views import tester_landing
        from core.registries import LANDING_PAGES

        # Offered to the outside testers only; core.registries.landing_page skips the pages a
        # tester may not open (the dashboards', the commitments'), so they land here.
        LANDING_PAGES.register("audits", tester_landing)
