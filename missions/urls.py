from django.urls import path, re_path, register_converter

from heurecivique.page_cache import public_page
from territories.converters import RowIdConverter

from . import answers, mine, views

register_converter(RowIdConverter, "id")

app_name = "missions"
urlpatterns = [
    path("missions/", public_page(views.MissionListView.as_view()), name="list"),
    path("missions/coup-de-main/", views.ask_for_help, name="help_request"),
    path("missions/coup-de-main/envoyee/", views.help_request_sent, name="help_request_sent"),
    path("missions/<id:pk>/", public_page(views.mission_detail), name="detail"),
    path("missions/<id:pk>/je-me-propose/", views.offer, name="offer"),
    path("missions/<id:pk>/toute-la-serie/", views.offer_series, name="offer_series"),
    path("missions/<id:pk>/me-retirer/", views.withdraw, name="withdraw"),
    # The buttons of the emails (links.py): no sign-in, a signed token.
    path("missions/reponse/<str:token>/", answers.answer, name="email_answer"),
    path("missions/suite/<str:token>/", answers.outcome, name="email_outcome"),
    # The personal calendar: the secret is new_calendar_secret()'s (URL-safe base64).
    re_path(r"^missions/agenda/(?P<secret>[A-Za-z0-9_-]{1,64})\.ics$", mine.feed, name="feed"),
    path("mon-heure/missions/", mine.my_missions, name="mine"),
    path("mon-heure/missions/agenda/", mine.calendar_feed, name="calendar"),
    path("mon-heure/missions/<id:pk>/reponse/", mine.answer, name="answer"),
    path("mon-heure/missions/<id:pk>/suite/", mine.outcome, name="outcome"),
]
