from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("", include("core.settings_urls")),
    path("o/<slug:org_slug>/", include("commitments.urls")),
]
