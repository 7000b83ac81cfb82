from django.urls import path

from . import views

app_name = "outils"
urlpatterns = [
    path("", views.kit_list, name="list"),
    path("<slug:slug>/", views.kit_detail, name="detail"),
    path("<slug:slug>/kit-complet.zip", views.download_kit, name="download_kit"),
    path("<slug:slug>/<int:pk>/telecharger/", views.download_resource, name="download"),
    path("<slug:slug>/<int:pk>/apercu.png", views.resource_preview, name="preview"),
]
