"""Who is asking: the reader's address, shared by the anti-abuse checks and the view counter."""

from django.conf import settings


def client_address(request):
    """Return the reader's address, from the proxy's header when one is configured."""
    value = request.META.get(settings.CLIENT_IP_HEADER) or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[0].strip()
