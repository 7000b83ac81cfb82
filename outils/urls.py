from django.urls import path

from heurecivique.page_cache import public_page

from . import views

app_name = "outils"
urlpatterns = [
    path("", public_page(views.kit_list), name="list"),
    path("<slug:slug>/", public_page(views.kit_detail), name="detail"),
    path("<slug:slug>/kit-complet.zip", views.download_kit, name="download_kit"),
    path("<slug:slug>/<int:pk>/telecharger/", views.download_resource, name="download"),
    path("<slug:slug>/<int:pk>/apercu.png", views.resource_preview, name="preview"),
]
