"""Who is asking: the reader's address, shared by the anti-abuse checks and the view counter."""

import ipaddress

from django.conf import settings


def client_address(request):
    """Return the reader's address as our proxy saw it, else the socket's address."""
    # Each proxy appends the address it received from to X-Forwarded-For, so only the entries
    # our own proxies wrote (the last CLIENT_IP_PROXY_COUNT) can be trusted: anything to their
    # left was sent by the client and may be forged. A single-value header (X-Real-IP) is the
    # same list of one.
    values = request.META.get(settings.CLIENT_IP_HEADER, "").split(",")
    if len(values) >= settings.CLIENT_IP_PROXY_COUNT:
        try:
            return str(ipaddress.ip_address(values[-settings.CLIENT_IP_PROXY_COUNT].strip()))
        except ValueError:
            pass  # missing or garbage: the proxy is not in front, or is misconfigured
    return request.META.get("REMOTE_ADDR", "")
