"""A staff member sees and changes only the objects of their territories, through every door."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from territories.models import Commune, Membership, Territory

from .forms import custom_hosts


@pytest.fixture
def loiret_client(client, loiret_agent):
    client.force_login(loiret_agent)
    return client


def test_the_territory_list_shows_only_mine(loiret_client, loiret, orleans, gironde):
    page = loiret_client.get(reverse("admin:territories_territory_changelist")).content.decode()
    assert "Loiret" in page and "Orléans" in page
    assert "Gironde" not in page


def test_a_foreign_territory_cannot_be_opened(loiret_client, gironde):
    response = loiret_client.get(reverse("admin:territories_territory_change", args=[gironde.pk]))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def _territory_form(territory, **changes):
    return {
        "name": territory.name,
        "is_active": "on",
        "primary_color": territory.primary_color,
        "secondary_color": territory.secondary_color,
        "welcome_text": "",
        **custom_hosts(),
        **changes,
    }


def test_a_foreign_territory_cannot_be_changed(loiret_client, loiret, gironde):
    # The same valid form changes my own portal, and not a foreign one.
    for territory in (loiret, gironde):
        url = reverse("admin:territories_territory_change", args=[territory.pk])
        loiret_client.post(url, _territory_form(territory, name="Renommé"))
    loiret.refresh_from_db()
    gironde.refresh_from_db()
    assert loiret.name == "Renommé"
    assert gironde.name == "Gironde"


def test_a_foreign_territory_cannot_be_deleted(loiret_client, gironde):
    url = reverse("admin:territories_territory_delete", args=[gironde.pk])
    loiret_client.post(url, {"post": "yes"})
    changelist = reverse("admin:territories_territory_changelist")
    loiret_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [gironde.pk], "post": "yes"}
    )
    assert Territory.objects.filter(pk=gironde.pk).exists()


def test_a_foreign_membership_is_invisible_and_untouchable(
    loiret_client, loiret_agent, gironde_agent, gironde
):
    membership = Membership.objects.get(territory=gironde)
    listing = loiret_client.get(reverse("admin:territories_membership_changelist"))
    assert loiret_agent.email in listing.content.decode()
    assert gironde_agent.email not in listing.content.decode()
    change_url = reverse("admin:territories_membership_change", args=[membership.pk])
    assert loiret_client.get(change_url).status_code == 302
    loiret_client.post(
        reverse("admin:territories_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_bulk_delete_only_reaches_my_memberships(loiret_client, loiret, gironde_agent, resident):
    mine = Membership.objects.create(user=resident, territory=loiret, role="moderateur")
    foreign = Membership.objects.get(user=gironde_agent)
    loiret_client.post(
        reverse("admin:territories_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [mine.pk, foreign.pk], "post": "yes"},
    )
    assert not Membership.objects.filter(pk=mine.pk).exists()
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_a_foreign_territory_cannot_be_picked_for_a_role(loiret_client, loiret, gironde, resident):
    add_url = reverse("admin:territories_membership_add")
    form = loiret_client.get(add_url).content.decode()
    assert f'<option value="{loiret.pk}">' in form
    assert f'<option value="{gironde.pk}">' not in form

    response = loiret_client.post(
        add_url, {"email": resident.email, "territory": gironde.pk, "role": "moderateur"}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Membership.objects.filter(user=resident).exists()


def _give_role(client, email, territory, role="moderateur"):
    return client.post(
        reverse("admin:territories_membership_add"),
        {"email": email, "territory": territory.pk, "role": role},
        follow=True,
    )


def test_a_role_is_given_by_email_within_my_territory(
    loiret_client, loiret, resident, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _give_role(loiret_client, "HELENE@example.org", loiret)
    assert "sur le portail du Loiret est enregistré" in unescape(response.content.decode())
    resident.refresh_from_db()
    assert resident.is_staff
    assert Membership.objects.filter(user=resident, territory=loiret).exists()
    [message] = smtp_server.messages
    assert message["To"] == resident.email
    assert str(message["Subject"]).strip().endswith("Votre rôle sur L'Heure Civique dans le Loiret")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Modérateur" in body
    assert "sur le portail de L'Heure Civique dans le Loiret." in body


def test_the_role_form_does_not_tell_who_has_an_account(
    loiret_client, loiret, resident, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = _give_role(loiret_client, resident.email, loiret)
        unknown = _give_role(loiret_client, "personne@example.org", loiret)

    def answer(response):
        page = unescape(response.content.decode())
        notices = re.findall(r'<li class="(\w+)">([^<]*)</li>', page)
        return response.status_code, [(k, re.sub(r"\S+@\S+", "…", t)) for k, t in notices]

    assert answer(known)[1] and answer(known) == answer(unknown)
    assert [m["To"] for m in smtp_server.messages] == [resident.email, "personne@example.org"]


def test_an_invited_person_chooses_a_password_then_signs_in(
    client, loiret_client, loiret, orleans, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _give_role(loiret_client, "Nouvelle.Agente@Example.org", orleans, role="commune")
    invited = get_user_model().objects.get(email="nouvelle.agente@example.org")
    assert invited.is_staff and not invited.has_usable_password()
    assert list(invited.emailaddress_set.values_list("email", flat=True)) == [invited.email]
    body = smtp_server.messages[-1].get_body(preferencelist=("plain",)).get_content()
    # The link leads to the portal of the role, not to the portal of whoever gave it.
    link = re.search(r"https?://orleans\.[^/\s]+(/compte/\S+)", body).group(1)
    client.logout()
    response = client.get(link, follow=True)
    assert "Choisir votre mot de passe" in response.content.decode()
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    password = "Une-heure-pour-nos-voisins-2026"
    response = client.post(form_url, {"password1": password, "password2": password})
    # Signed in, the address proved by the link; the admin first asks for a second factor.
    assert int(client.session["_auth_user_id"]) == invited.pk
    assert invited.emailaddress_set.get().verified
    response = client.get(reverse("admin:index"))
    assert response.url == reverse("mfa_activate_totp")
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "Nouvelle.Agente@example.org", "password": password}
    )
    assert int(client.session["_auth_user_id"]) == invited.pk


def test_a_department_officer_cannot_make_anyone_national_admin(
    loiret_client, national, loiret, resident
):
    response = loiret_client.post(
        reverse("admin:territories_membership_add"),
        {"email": resident.email, "territory": loiret.pk, "role": "national"},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=resident).exists()


def test_a_role_must_fit_the_kind_of_territory(client, national_admin, orleans, resident):
    client.force_login(national_admin)
    response = client.post(
        reverse("admin:territories_membership_add"),
        {"email": resident.email, "territory": orleans.pk, "role": "departement"},
    )
    assert "Ce rôle ne peut pas être donné sur un territoire de type « commune »" in (
        response.content.decode()
    )


def test_foreign_communes_are_not_offered_by_autocomplete(
    loiret_client, orleans_commune, bordeaux_commune
):
    url = reverse("admin:autocomplete")
    params = {"app_label": "territories", "model_name": "territory", "field_name": "commune"}
    found = loiret_client.get(url, {**params, "term": "o"}).json()["results"]
    names = {result["text"] for result in found}
    assert "Orléans (45)" in names
    assert "Bordeaux (33)" not in names
    assert loiret_client.get(url, {**params, "term": "Bordeaux"}).json()["results"] == []


def test_foreign_communes_are_not_listed(loiret_client, orleans_commune, bordeaux_commune):
    page = loiret_client.get(reverse("admin:territories_commune_changelist")).content.decode()
    assert "Orléans" in page and "Bordeaux" not in page
    response = loiret_client.get(
        reverse("admin:territories_commune_change", args=[bordeaux_commune.pk])
    )
    assert response.status_code == 302


def test_list_filters_offer_only_my_territories(
    loiret_client, loiret_agent, gironde_agent, gironde
):
    page = loiret_client.get(reverse("admin:territories_membership_changelist")).content.decode()
    assert f"territory__id__exact={gironde.pk}" not in page


def test_a_commune_territory_cannot_be_created_for_a_foreign_commune(
    loiret_client, bordeaux_commune
):
    loiret_client.post(
        reverse("admin:territories_territory_add"),
        {
            "kind": "commune",
            "name": "Bordeaux",
            "slug": "bordeaux",
            "commune": bordeaux_commune.pk,
            "is_active": "on",
            "primary_color": "#1b3a6b",
            "secondary_color": "#ffd27a",
            **custom_hosts(),
            "welcome_text": "",
        },
    )
    assert not Territory.objects.filter(slug="bordeaux").exists()


def test_a_department_officer_creates_a_commune_portal_in_their_department(
    loiret_client, loiret, orleans_commune
):
    response = loiret_client.post(
        reverse("admin:territories_territory_add"),
        {
            "kind": "commune",
            "name": "Orléans",
            "slug": "orleans",
            "commune": orleans_commune.pk,
            "is_active": "on",
            "primary_color": "#9b2c1f",
            "secondary_color": "#fde2c4",
            **custom_hosts(),
            "welcome_text": "",
        },
    )
    assert response.status_code == 302
    assert Territory.objects.get(slug="orleans").commune == orleans_commune


def test_a_commune_agent_brands_their_portal_but_manages_no_roles(client, orleans_agent, orleans):
    client.force_login(orleans_agent)
    assert (
        client.get(reverse("admin:territories_territory_change", args=[orleans.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:territories_membership_changelist")).status_code == 403
    assert client.get(reverse("admin:territories_territory_add")).status_code == 403


def test_only_the_national_team_sees_every_account(client, loiret_agent, national_admin, resident):
    client.force_login(loiret_agent)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    client.force_login(national_admin)
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert resident.email in page


def test_the_national_team_sees_every_territory(client, national_admin, loiret, gironde):
    client.force_login(national_admin)
    page = client.get(reverse("admin:territories_territory_changelist")).content.decode()
    assert "Loiret" in page and "Gironde" in page


def test_a_resident_has_no_way_into_the_admin(client, resident):
    client.force_login(resident)
    assert client.get(reverse("admin:index"), follow=True).status_code == 403


def test_the_admin_login_is_allauths(client, db):
    response = client.get(reverse("admin:index"), follow=True)
    final_url, _status = response.redirect_chain[-1]
    assert final_url.startswith(reverse("account_login"))
    assert "next=%2Fadmin%2F" in final_url


def test_commune_reference_data_is_read_only_for_territory_staff(
    client, loiret_agent, national_admin, orleans_commune
):
    url = reverse("admin:territories_commune_change", args=[orleans_commune.pk])
    form = {
        "insee_code": "45234",
        "name": "Orléans-la-Source",
        "department": orleans_commune.department_id,
        "postal_codes": " 45000 45100 ",
        "population": "116357",
    }
    client.force_login(loiret_agent)
    client.post(url, form)
    assert Commune.objects.get(pk=orleans_commune.pk).name == "Orléans"
    client.force_login(national_admin)
    client.post(url, form)
    assert Commune.objects.get(pk=orleans_commune.pk).name == "Orléans-la-Source"


def test_a_department_officer_takes_a_portal_offline_but_never_deletes_it(loiret_client, loiret):
    loiret_client.post(
        reverse("admin:territories_territory_delete", args=[loiret.pk]), {"post": "yes"}
    )
    loiret_client.post(
        reverse("admin:territories_territory_changelist"),
        {"action": "delete_selected", "_selected_action": [loiret.pk], "post": "yes"},
    )
    assert Territory.objects.filter(pk=loiret.pk).exists()
