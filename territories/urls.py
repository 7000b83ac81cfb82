from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("theme.css", views.theme_css, name="theme"),
    path("communes/", views.commune_choices, name="commune_choices"),
]
