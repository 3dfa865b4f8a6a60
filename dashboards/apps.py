from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Accueil"

    def ready(self) -> None:
        from core.registries import LANDING_PAGES
        from dashboards.landing import landing

        # "dashboards" sorts after "commitments": core.registries.landing_page takes this one.
        LANDING_PAGES.register("dashboards", landing)
