import re

from django.middleware.gzip import GZipMiddleware
from django.template.response import TemplateResponse
from django.urls import get_resolver
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


# What is worth compressing: text. Images, PDF, ZIP and office files are compressed already.
COMPRESSED_TYPES = {
    "text/html", "text/plain", "text/css", "text/csv", "text/calendar", "application/json",
    "application/javascript", "text/javascript", "application/xml", "image/svg+xml",
}  # fmt: skip


class CompressedTextMiddleware(GZipMiddleware):
    """Pages and other text served gzipped to browsers that accept it, with or without nginx in
    front (nginx leaves a compressed response as it is). Django masks the CSRF token anew in
    each page and pads the compressed stream at random, against the BREACH attack."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").partition(";")[0].strip() not in COMPRESSED_TYPES:
            return response
        return super().process_response(request, response)


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


# A character no address, parameter, form field or cookie may carry: PostgreSQL stores no NUL
# in text (the query fails), and a lone surrogate is half of a character, which nothing can
# encode.
UNACCEPTABLE = re.compile("[\x00\ud800-\udfff]")


class UnacceptableCharactersMiddleware:
    """Answers the site's « Requête incorrecte » (400) to a request whose address, GET
    parameters, form fields or cookies (names or values) hold a character of UNACCEPTABLE,
    before any view looks it up or stores it (a cookie may carry one as an escape, « \\000 »,
    which the session's lookup would send to the database).

    Each view still validates what it reads (forms, converters): this is the net for what no
    view should ever have to think about. Uploaded files are not looked at: their content is
    checked by what receives them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._unacceptable(request):
            return get_resolver().resolve_error_handler(400)(request, exception=None)
        return self.get_response(request)

    @staticmethod
    def _unacceptable(request) -> bool:
        texts = [request.path, *request.COOKIES, *request.COOKIES.values()]
        forms = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for data in forms:
            for name, values in data.lists():
                texts.append(name)
                texts += values
        return any(UNACCEPTABLE.search(text) for text in texts)


class MethodNotAllowedPageMiddleware:
    """Django answers a GET on a POST-only address (require_POST) with an empty 405: a person who
    typed or bookmarked it gets a French page saying what to do instead (the Allow header kept)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.method == "HEAD":
            return response
        page = TemplateResponse(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page.render()
