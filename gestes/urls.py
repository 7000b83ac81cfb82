from django.urls import path

from . import views

app_name = "gestes"
urlpatterns = [
    path("", views.GesteListView.as_view(), name="list"),
    path("proposer/", views.propose, name="propose"),
    path("mes-propositions/", views.my_proposals, name="my_proposals"),
    path("<slug:slug>/", views.geste_detail, name="detail"),
    path("<slug:slug>/masquer/", views.toggle_hidden, name="toggle_hidden"),
]
