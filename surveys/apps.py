from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Enquêtes de satisfaction"

    def ready(self) -> None:
        from core.registries import DAILY_JOBS
        from surveys import metrics
        from surveys.answers import tell_campaigns_answered

        metrics.register_all()
        DAILY_JOBS.register("surveys.tell_campaigns_answered", tell_campaigns_answered)
