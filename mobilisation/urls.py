from django.urls import path, register_converter

from heurecivique.page_cache import public_page
from territories.converters import InseeCodeConverter

from . import calls_views, views, watch_views

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
    # The heatwave watch's email buttons (watch_links.py): no sign-in, a signed token.
    path("veille/binome/<str:token>/", watch_views.pairing_answer, name="watch_pairing"),
    path("veille/appel/<str:token>/", watch_views.call, name="watch_call"),
    path("veille/arreter/<str:token>/", watch_views.stop, name="watch_stop"),
    path("message/<str:token>/", calls_views.answer, name="call_answer"),
]
