from django.urls import path

from . import answers

app_name = "missions"
urlpatterns = [
    # The buttons of the emails (links.py): no sign-in, a signed token.
    path("missions/reponse/<str:token>/", answers.answer, name="answer"),
    path("missions/suite/<str:token>/", answers.outcome, name="outcome"),
]
