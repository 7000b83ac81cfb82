from django.urls import path

from heurecivique.page_cache import public_page

from . import views

app_name = "initiatives"
urlpatterns = [
    path("initiatives/", public_page(views.InitiativeListView.as_view()), name="list"),
    path("initiatives/proposer/", views.propose, name="propose"),
    path("initiatives/mes-initiatives/", views.my_initiatives, name="mine"),
    path("initiatives/<slug:slug>/", public_page(views.initiative_detail), name="detail"),
    path("initiatives/<slug:slug>/interesse/", views.interest, name="interest"),
    path("initiatives/<slug:slug>/partage.png", views.initiative_share_image, name="share_image"),
    path("bonnes-pratiques/", public_page(views.practice_list), name="practices"),
    path("bonnes-pratiques/<slug:slug>/", public_page(views.practice_detail), name="practice"),
    path("bonnes-pratiques/<slug:slug>/copier/", views.copy_practice, name="copy_practice"),
    path(
        "bonnes-pratiques/<slug:slug>/partage.png",
        views.practice_share_image,
        name="practice_share_image",
    ),
]
