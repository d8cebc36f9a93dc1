"""Security headers and answers: the CSP, the Permissions-Policy, the login lockout."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.shortcuts import render

# Browser features the site never uses, turned off for it and anything it might embed; the
# view counter's sendBeacon and the desk's editor need none of them. Only names Chromium knows
# (it warns in the console about others, such as battery or bluetooth).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class SiteCSPMiddleware(CSPMiddleware):
    """Send the desk's policy under /desk/ (the admin and its editor need inline code)."""

    def process_response(self, request, response):
        if getattr(response, "_csp_exempt", False):  # django-csp would build the policy anyway
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith("/desk/"):
            return PolicyParts(config=settings.DESK_CONTENT_SECURITY_POLICY, nonce=parts.nonce)
        return parts


class PermissionsPolicyMiddleware:
    """Turn off the browser features the site does not use, on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def locked_out(request, original_response=None, credentials=None):
    """Answer a locked-out login with the French page and when to try again (django-axes)."""
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
    response["Retry-After"] = int(settings.AXES_COOLOFF_TIME.total_seconds())
    return response
