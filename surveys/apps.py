from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Enquêtes de satisfaction"

    def ready(self) -> None:
        from surveys import metrics

        metrics.register_all()
