from django.urls import path

from heurecivique.page_cache import public_page

from . import views

app_name = "pilotage"

urlpatterns = [
    path("", public_page(views.figures), name="figures"),
    # Streamed: PublicPageMiddleware does not keep it, each download reads the aggregates.
    path("donnees.csv", views.open_data, name="open_data"),
]
