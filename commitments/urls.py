from django.urls import path

from commitments import views

app_name = "commitments"

urlpatterns = [
    path("", views.overview, name="overview"),
]
