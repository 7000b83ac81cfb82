from django.urls import path

from heurecivique.page_cache import public_page

from . import views

app_name = "gestes"
urlpatterns = [
    path("", public_page(views.GesteListView.as_view()), name="list"),
    path("proposer/", views.propose, name="propose"),
    path("mes-propositions/", views.my_proposals, name="my_proposals"),
    path("<slug:slug>/", public_page(views.geste_detail), name="detail"),
    path("<slug:slug>/masquer/", views.toggle_hidden, name="toggle_hidden"),
]
