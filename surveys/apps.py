from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Enquêtes de satisfaction"

    def ready(self) -> None:
        from core.registries import DAILY_JOBS
        from surveys import evidence, kiosk_views, metrics
        from surveys.answers import tell_campaigns_answered
        from surveys.invitations import email_invitations

        metrics.register_all()
        evidence.register()
        DAILY_JOBS.register("surveys.email_invitations", email_invitations)
        DAILY_JOBS.register("surveys.tell_campaigns_answered", tell_campaigns_answered)
        kiosk_views.register()
