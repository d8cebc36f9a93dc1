"""Content Security Policy: strict on the public site, its own policy for the desk."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class SiteCSPMiddleware(CSPMiddleware):
    """Send the desk's policy under /desk/ (the admin and its editor need inline code)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith("/desk/"):
            return PolicyParts(config=settings.DESK_CONTENT_SECURITY_POLICY, nonce=parts.nonce)
        return parts
