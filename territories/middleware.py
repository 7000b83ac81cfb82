from .resolver import territory_for_host


class TerritoryMiddleware:
    """Puts the portal of the requested host on `request.territory`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.territory = territory_for_host(request.get_host())
        return self.get_response(request)
