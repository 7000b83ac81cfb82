from django.urls import reverse

from territories.models import Quartier
from volunteers.models import Volunteer
from volunteers.stats import counters_for

FORM = {"first_name": "Jeanne", "last_name": "Lenoir", "reminder_day": "1"}


def _join(client, **fields):
    return client.post(reverse("volunteers:join"), {**FORM, **fields})


def _save_profile(client, **fields):
    data = {**FORM, "commune_query": "Orléans (45)", "reminder_day": "12"}
    return client.post(reverse("volunteers:profile"), {**data, **fields})


def test_a_postal_code_with_one_commune_is_enough(client, resident, orleans_commune, loiret):
    client.force_login(resident)
    assert _join(client, commune_query="45000").status_code == 302
    assert Volunteer.objects.get(user=resident).commune == orleans_commune


def test_the_way_the_site_writes_a_commune_is_understood(client, resident, orleans_commune, loiret):
    client.force_login(resident)
    assert _join(client, commune_query="Orléans (45)").status_code == 302


def test_an_unknown_postal_code_is_explained_and_nothing_saved(client, resident, orleans_commune):
    client.force_login(resident)
    response = _join(client, commune_query="99999")
    assert response.status_code == 400
    assert "Aucune commune française ne correspond à « 99999 »" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_a_commune_outside_france_is_not_found(client, resident, orleans_commune):
    client.force_login(resident)
    response = _join(client, commune_query="Bruxelles")
    assert "Aucune commune française ne correspond" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_a_forged_commune_id_is_refused(client, resident, orleans_commune):
    client.force_login(resident)
    response = _join(client, commune_query="45000", commune="999999")
    assert response.status_code == 400
    assert "Choisissez une commune dans la liste" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_missing_names_are_asked_for_in_french(client, resident, orleans_commune):
    client.force_login(resident)
    response = client.post(reverse("volunteers:join"), {"commune_query": "45000"})
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Volunteer.objects.exists()


def test_a_second_onboarding_changes_nothing(volunteer_client, orleans_volunteer, bordeaux_commune):
    response = _join(volunteer_client, commune_query="33000")
    assert response.status_code == 302
    assert response.url == reverse("volunteers:dashboard")
    orleans_volunteer.refresh_from_db()
    assert orleans_volunteer.commune.name == "Orléans"
    assert Volunteer.objects.count() == 1


def test_the_mairies_spelling_of_a_quartier_is_kept(client, resident, orleans_commune, loiret):
    Quartier.objects.create(commune=orleans_commune, name="Saint-Marceau")
    client.force_login(resident)
    _join(client, commune_query="45000", quartier="saint marceau")
    assert Volunteer.objects.get(user=resident).quartier == "Saint-Marceau"


def test_a_volunteer_belongs_to_the_portal_of_their_commune(
    client, resident, orleans_commune, loiret, gironde, portal_client
):
    client.force_login(resident)
    # Signed up on the Gironde portal, living in Orléans: a Loiret volunteer.
    portal_client("gironde").post(
        reverse("volunteers:join"),
        {**FORM, "commune_query": "45000"},
    )
    assert counters_for(loiret).volunteers == 1
    assert counters_for(gironde).volunteers == 0


def test_commune_suggestions_come_as_radio_buttons(client, resident, orleans_commune):
    client.force_login(resident)
    page = client.get(reverse("territories:commune_choices"), {"q": "4500"}).content.decode()
    assert f'type="radio" name="commune" value="{orleans_commune.pk}"' in page
    assert "checked" in page  # a single match is preselected
    page = client.get(reverse("territories:commune_choices"), {"q": "zzzz"}).content.decode()
    assert "Aucune commune française ne correspond pour l'instant à « zzzz »" in page


def test_the_profile_changes_and_consent_can_be_withdrawn(volunteer_client, orleans_volunteer):
    orleans_volunteer.contact_consent_at = orleans_volunteer.created_at
    orleans_volunteer.save()
    response = volunteer_client.post(
        reverse("volunteers:profile"),
        {**FORM, "commune_query": "Orléans (45)", "quartier": "La Source", "reminder_day": "12"},
    )
    assert response.status_code == 302
    orleans_volunteer.refresh_from_db()
    assert orleans_volunteer.quartier == "La Source"
    assert orleans_volunteer.reminder_day == 12
    assert orleans_volunteer.contact_consent_at is None


def test_mistakes_in_the_onboarding_do_not_count_towards_its_rate_limit(
    client, resident, orleans_commune
):
    client.force_login(resident)
    for _attempt in range(12):
        assert _join(client, commune_query="99999").status_code == 400
    assert _join(client, commune_query="45000").status_code == 302
    assert Volunteer.objects.filter(user=resident).exists()


def test_the_profile_is_rate_limited_on_what_was_saved(volunteer_client, orleans_volunteer):
    for _attempt in range(10):
        assert _save_profile(volunteer_client, quartier="La Source").status_code == 302
    refused = _save_profile(volunteer_client, quartier="Saint-Marceau")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Vous pourrez l&#x27;envoyer dans 1 minute" in page
    assert page.count("Vous pourrez l&#x27;envoyer") == 1  # in the error summary, once
    assert 'value="Saint-Marceau"' in page  # what was typed is still there
    orleans_volunteer.refresh_from_db()
    assert orleans_volunteer.quartier == "La Source"
