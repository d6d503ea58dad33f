"""Site-wide views that belong to no single app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    # Touches no database: load balancers poll it, and the benchmarks use it as the ceiling
    # of what the framework serves on the same machine.
    return HttpResponse("ok", content_type="text/plain")
