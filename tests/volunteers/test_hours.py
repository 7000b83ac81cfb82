import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gestes.models import Geste
from heurecivique.months import first_of_month, previous_month
from volunteers.links import Action, action_path
from volunteers.models import CivicHour, GesteChoice

from ..factories import CivicHourFactory, GesteFactory, VolunteerFactory

TODAY = timezone.localdate


def _log(client, **fields):
    data = {"done_on": TODAY().isoformat(), "minutes": "60", "note": ""}
    return client.post(reverse("volunteers:log_hour"), {**data, **fields})


def test_an_hour_in_the_future_is_refused(volunteer_client):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    response = _log(volunteer_client, done_on=tomorrow.isoformat())
    assert response.status_code == 400
    assert "Cette date est dans le futur." in response.content.decode()
    assert not CivicHour.objects.exists()


def test_an_hour_before_the_pledge_month_is_refused(client, resident, orleans_commune):
    VolunteerFactory(user=resident, commune=orleans_commune, pledge=TODAY())
    client.force_login(resident)
    response = _log(client, done_on=(first_of_month(TODAY()) - datetime.timedelta(days=1)))
    assert "votre engagement n&#x27;avait pas encore commencé" in response.content.decode()
    assert not CivicHour.objects.exists()


def test_a_new_volunteer_logs_the_hour_given_earlier_in_their_first_month(
    client, resident, orleans_commune
):
    # Signed up on the 2nd, the hour was given on the 1st: it is this month's hour.
    volunteer = VolunteerFactory(user=resident, commune=orleans_commune, pledge=TODAY())
    volunteer.pledges.update(started_on=max(TODAY(), first_of_month(TODAY()).replace(day=2)))
    client.force_login(resident)
    response = _log(client, done_on=first_of_month(TODAY()).isoformat())
    assert response.status_code == 302
    assert volunteer.hours.get().done_on == first_of_month(TODAY())
    assert "est faite" in client.get(reverse("volunteers:dashboard")).text


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("0", "Indiquez au moins 5 minutes."),
        ("10000", "Au plus 8 heures pour une même action."),
        ("-60", "Indiquez au moins 5 minutes."),
        ("une heure", "Saisissez un nombre entier."),
    ],
)
def test_absurd_durations_are_refused(volunteer_client, minutes, message):
    response = _log(volunteer_client, minutes=minutes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CivicHour.objects.exists()


def test_a_note_too_long_is_refused(volunteer_client):
    response = _log(volunteer_client, note="x" * 281)
    assert response.status_code == 400
    assert not CivicHour.objects.exists()


def test_someone_elses_hour_is_not_found(volunteer_client, bordeaux_commune):
    other = CivicHourFactory(volunteer=VolunteerFactory(commune=bordeaux_commune))
    for name in ("volunteers:edit_hour", "volunteers:delete_hour"):
        assert volunteer_client.get(reverse(name, args=[other.pk])).status_code == 404
        assert volunteer_client.post(reverse(name, args=[other.pk])).status_code == 404
    assert CivicHour.objects.filter(pk=other.pk).exists()


def test_an_hour_of_this_month_can_be_corrected_and_deleted(volunteer_client, orleans_volunteer):
    hour = CivicHourFactory(volunteer=orleans_volunteer)
    response = volunteer_client.post(
        reverse("volunteers:edit_hour", args=[hour.pk]),
        {"done_on": hour.done_on.isoformat(), "minutes": "90", "note": "Jardin partagé"},
    )
    assert response.status_code == 302
    hour.refresh_from_db()
    assert (hour.minutes, hour.note) == (90, "Jardin partagé")
    volunteer_client.post(reverse("volunteers:delete_hour", args=[hour.pk]))
    assert not CivicHour.objects.filter(pk=hour.pk).exists()


def test_an_old_hour_is_kept_as_it_is(volunteer_client, orleans_volunteer):
    old_month = previous_month(previous_month(first_of_month(TODAY())))
    hour = CivicHourFactory(volunteer=orleans_volunteer, done_on=old_month)
    response = volunteer_client.post(
        reverse("volunteers:edit_hour", args=[hour.pk]),
        {"done_on": old_month.isoformat(), "minutes": "200", "note": ""},
    )
    assert response.status_code == 302
    volunteer_client.post(reverse("volunteers:delete_hour", args=[hour.pk]))
    hour.refresh_from_db()
    assert hour.minutes == 60


def test_an_hour_cannot_be_moved_into_a_closed_month(volunteer_client, orleans_volunteer):
    hour = CivicHourFactory(volunteer=orleans_volunteer)
    old_day = previous_month(previous_month(first_of_month(TODAY())))
    response = volunteer_client.post(
        reverse("volunteers:edit_hour", args=[hour.pk]),
        {"done_on": old_day.isoformat(), "minutes": "60", "note": ""},
    )
    assert response.status_code == 400
    hour.refresh_from_db()
    assert hour.done_on == TODAY()


def test_logging_is_rate_limited_on_the_hours_saved_not_the_mistakes(volunteer_client):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    for _attempt in range(10):
        assert _log(volunteer_client, done_on=tomorrow.isoformat()).status_code == 400
    for _attempt in range(30):
        assert _log(volunteer_client).status_code == 302
    refused = _log(volunteer_client, note="Courses de Mme Martin")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Vous pourrez l&#x27;envoyer dans 1 heure" in page
    assert "Courses de Mme Martin" in page  # the form comes back as typed
    assert CivicHour.objects.count() == 30


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    for name in ("volunteers:dashboard", "volunteers:history", "volunteers:attestation"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert client.post(reverse("volunteers:log_hour")).status_code == 302
    assert not CivicHour.objects.exists()


def test_forms_need_their_csrf_token(resident, orleans_volunteer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    assert _log(client).status_code == 403
    assert not CivicHour.objects.exists()


# --- Naming the geste of an hour ----------------------------------------------------------------


def _options(page: str) -> dict[str, list[str]]:
    """The geste select's option labels, by <optgroup> ("" for those outside a group)."""
    select = re.search(r'<select name="geste"[^>]*>(.*?)</select>', page, re.S)[1]
    groups = {"": re.findall(r"<option[^>]*>([^<]*)</option>", select.split("<optgroup")[0])}
    for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S):
        groups[html.unescape(label)] = re.findall(r"<option[^>]*>([^<]*)</option>", body)
    return {label: [html.unescape(o) for o in options] for label, options in groups.items()}


def test_the_hour_form_offers_the_gestes_of_the_month_first_then_the_catalogue(
    volunteer_client, orleans_volunteer, gironde
):
    chosen = GesteFactory(title="Appeler une voisine seule")
    GesteChoice.objects.create(
        volunteer=orleans_volunteer, geste=chosen, month=first_of_month(TODAY())
    )
    GesteFactory(title="Porter les courses", kind=Geste.Kind.PERSON)
    GesteFactory(title="Nettoyer le square", kind=Geste.Kind.COLLECTIVE)
    GesteFactory(title="Une idée pas encore modérée", status=Geste.Status.PROPOSED)
    GesteFactory(title="Un geste de la Gironde", territory=gironde)

    options = _options(volunteer_client.get(reverse("volunteers:dashboard")).text)
    assert list(options)[:2] == ["", "Mes gestes du mois"]
    assert options[""] == ["Pas de geste précis"]
    assert options["Mes gestes du mois"] == ["Appeler une voisine seule"]
    assert "Porter les courses" in options["Aider une personne"]
    assert "Nettoyer le square" in options["Agir ensemble dans la commune"]
    every = [title for titles in options.values() for title in titles]
    # The national catalogue (a data migration) is there too, each geste once.
    assert len(every) == len(set(every)) > 50
    assert "Une idée pas encore modérée" not in every
    assert "Un geste de la Gironde" not in every
    page = volunteer_client.get(reverse("volunteers:dashboard")).text
    # The only geste of the month is the one proposed.
    assert re.search(r"<option[^>]*selected[^>]*>Appeler une voisine seule<", page)


def test_an_hour_names_its_geste_and_the_geste_page_counts_it(
    volunteer_client, orleans_volunteer, client
):
    geste = GesteFactory(title="Porter les courses")
    response = _log(volunteer_client, geste=str(geste.pk))
    assert response.status_code == 302
    assert orleans_volunteer.hours.get().geste == geste
    page = client.get(reverse("gestes:detail", args=[geste.slug])).text
    assert "1 volontaire a déjà noté une heure passée à ce geste." in page


def test_an_unpublished_geste_cannot_be_named(volunteer_client):
    proposed = GesteFactory(status=Geste.Status.PROPOSED)
    response = _log(volunteer_client, geste=str(proposed.pk))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.text
    assert not CivicHour.objects.exists()


def test_the_geste_of_an_hour_can_be_named_afterwards(volunteer_client, orleans_volunteer):
    hour = CivicHourFactory(volunteer=orleans_volunteer)
    geste = GesteFactory(title="Nettoyer le square", kind=Geste.Kind.COLLECTIVE)
    url = reverse("volunteers:edit_hour", args=[hour.pk])
    assert (
        "Nettoyer le square"
        in _options(volunteer_client.get(url).text)["Agir ensemble dans la commune"]
    )
    response = volunteer_client.post(
        url, {"done_on": hour.done_on.isoformat(), "minutes": "60", "geste": str(geste.pk)}
    )
    assert response.status_code == 302
    hour.refresh_from_db()
    assert hour.geste == geste
    assert "« Nettoyer le square »" in volunteer_client.get(reverse("volunteers:history")).text


def test_the_email_done_page_leads_to_naming_the_geste(orleans_volunteer, client):
    month = first_of_month(TODAY())
    page = client.post(action_path(orleans_volunteer.user_id, Action.DONE, month)).text
    hour = orleans_volunteer.hours.get()
    assert reverse("volunteers:edit_hour", args=[hour.pk]) in page
    assert "Préciser le geste" in page


def test_the_first_of_the_month_is_written_as_an_ordinal(volunteer_client, orleans_volunteer):
    first = first_of_month(TODAY())
    CivicHourFactory(volunteer=orleans_volunteer, done_on=first)
    month = html.unescape(
        re.sub(r"<[^>]+>", "", volunteer_client.get(reverse("volunteers:dashboard")).text)
    )
    history = html.unescape(
        re.sub(r"<[^>]+>", "", volunteer_client.get(reverse("volunteers:history")).text)
    )
    day = first.strftime("%d").lstrip("0")
    assert f"Le {day}er " in month and f"l'heure du {day}er " in month
    assert re.search(r"Le \w+ 1er ", history)
