from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Enquêtes de satisfaction"

    def ready(self) -> None:
        from surveys import kiosk_views, metrics

        metrics.register_all()
        kiosk_views.register()
