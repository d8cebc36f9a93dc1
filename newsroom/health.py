"""Probes for the load balancer and the on-call: is the process up, are its services up."""

import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def livez(request):
    """Answer that the process serves requests, touching nothing else."""
    return HttpResponse("ok", content_type="text/plain")


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def _check_cache():
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


@never_cache
def healthz(request):
    """Round-trip the database and the cache; 503 naming each part that fails."""
    checks = {}
    for name, check in (("database", _check_database), ("cache", _check_cache)):
        try:
            checks[name] = "ok" if check() else "failing"
        except Exception as exc:  # any failure of the service is what we report
            checks[name] = f"failing: {exc.__class__.__name__}"
    failing = sorted(name for name, state in checks.items() if state != "ok")
    body = {"status": "ok" if not failing else "failing", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503 if failing else 200)
