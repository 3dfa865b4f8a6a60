from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.access import org_view


@org_view()
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "commitments/overview.html", {"nav_section": "commitments"})
