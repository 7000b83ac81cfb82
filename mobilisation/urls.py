from django.urls import path

from . import views

app_name = "mobilisation"
urlpatterns = [
    path("", views.appeal, name="appeal"),
    path("partage.png", views.appeal_share_image, name="share_image"),
    path("signer/", views.sign, name="sign"),
    path("signer/merci/", views.sign_sent, name="sign_sent"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("retirer/<str:token>/", views.withdraw, name="withdraw"),
    path("badge/<str:insee_code>/", views.badge, name="badge"),
    path("badge/<str:insee_code>.png", views.badge_png, name="badge_image"),
]
