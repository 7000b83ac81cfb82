from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rejoindre/", views.join, name="join"),
    path("profil/", views.profile, name="profile"),
    path("engagement/", views.pledge, name="pledge"),
    path("engagement/pause/", views.pause_pledge, name="pause_pledge"),
    path("engagement/arreter/", views.stop_pledge, name="stop_pledge"),
    path("heures/", views.log_hour, name="log_hour"),
    path("heures/<int:pk>/modifier/", views.edit_hour, name="edit_hour"),
    path("heures/<int:pk>/supprimer/", views.delete_hour, name="delete_hour"),
    path("historique/", views.history, name="history"),
    path("urgence/", views.emergency, name="emergency"),
    path("attestation.pdf", views.attestation, name="attestation"),
    path("gestes/<slug:slug>/", views.choose_geste, name="choose_geste"),
    path("courriels/", views.email_preferences, name="email_preferences"),
    path("courriel/<str:token>/", views.email_action, name="email_action"),
    path("garder-mon-compte/<str:token>/", views.keep_account, name="keep_account"),
]
