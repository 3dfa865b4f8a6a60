from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "comptes : double authentification et sessions"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from accounts.sessions import forget_logged_out_session

        # Session bookkeeping, not domain logic: Django's own hook for the end of a session.
        user_logged_out.connect(forget_logged_out_session, dispatch_uid="accounts.forget_session")
