from django.urls import path  # noqa: F401

app_name = "core_imports"

urlpatterns: list = []
