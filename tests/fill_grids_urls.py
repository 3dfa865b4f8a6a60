"""The project's URLs plus one page declared `org_view(Capability.FILL_GRIDS)`, for the tests
of the tester's access before any app offers such a page (`@pytest.mark.urls`)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from core.access import Capability, OrgRequest, org_view
from qualipilote.urls import urlpatterns as project_urlpatterns

PAGE = (
    '{% extends "base.html" %}{% block title %}Grilles d\'essai{% endblock %}'
    "{% block content %}<h1>Grilles d'essai</h1>{% endblock %}"
)


@org_view(Capability.FILL_GRIDS, write=Capability.FILL_GRIDS)
def grids(request: OrgRequest) -> HttpResponse:
    return HttpResponse(engines["django"].from_string(PAGE).render({}, request))


urlpatterns = [path("o/<slug:org_slug>/grilles-essai/", grids, name="test_grids"), *project_urlpatterns]
