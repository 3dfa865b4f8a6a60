from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Grilles et contrôles"

    def ready(self) -> None:
        from audits.fill_views import tester_landing
        from core.registries import LANDING_PAGES

        # "testers" sorts after "dashboards": core.registries.landing_page asks it first, and
        # it speaks only for the outside testers (the others' front page stays the dashboards').
        LANDING_PAGES.register("testers", tester_landing)
