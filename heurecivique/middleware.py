from django.utils.cache import patch_cache_control

# The site uses none of these: no page, nor anything injected into one, may ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "payment", "publickey-credentials-get", "usb",
        "browsing-topics",
    )
)  # fmt: skip


class PrivacyHeadersMiddleware:
    """Headers that keep what a person does to themselves: the browser features the site
    never uses are turned off, and a signed-in person's pages are never kept by a shared cache
    (a proxy, a CDN) where the next visitor could be served them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response
