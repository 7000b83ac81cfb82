from django.urls import path, register_converter

from heurecivique.page_cache import public_page
from territories.converters import InseeCodeConverter

from . import calls_views, views

register_converter(InseeCodeConverter, "insee")

app_name = "mobilisation"
urlpatterns = [
    path("", public_page(views.appeal), name="appeal"),
    path("partage.png", views.appeal_share_image, name="share_image"),
    path("signer/", views.sign, name="sign"),
    path("signer/merci/", views.sign_sent, name="sign_sent"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("retirer/<str:token>/", views.withdraw, name="withdraw"),
    path("badge/<insee:insee_code>/", views.badge, name="badge"),
    path("badge/<insee:insee_code>.png", views.badge_png, name="badge_image"),
    path("message/<str:token>/", calls_views.answer, name="call_answer"),
]
