"""Staff see the volunteers of their territory; names and addresses only with consent."""

import csv
import io
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from heurecivique.months import first_of_month, previous_month
from territories.admin import NO_CONSENT
from volunteers import admin as volunteers_admin
from volunteers.models import Delivery

from ..factories import CivicHourFactory, CommuneFactory, UserFactory, VolunteerFactory

CHANGELIST = "admin:volunteers_volunteer_changelist"
# A row of the list, not the quartier filter in the side bar.
ARGONNE_ROW = '<td class="field-quartier">Argonne</td>'
SOURCE_ROW = '<td class="field-quartier">La Source</td>'


@pytest.fixture
def people(orleans_commune, bordeaux_commune, loiret, gironde):
    """Two Orléans volunteers (one consenting) and one in Bordeaux (consenting)."""
    now = timezone.now()
    return {
        "consenting": VolunteerFactory(
            user=UserFactory(email="oui@example.org", first_name="Ophélie", last_name="Accord"),
            commune=orleans_commune, quartier="La Source", contact_consent_at=now,
        ),
        "discreet": VolunteerFactory(
            user=UserFactory(email="discret@example.org", first_name="Denis", last_name="Discret"),
            commune=orleans_commune, quartier="Argonne",
        ),
        "bordeaux": VolunteerFactory(
            user=UserFactory(email="bdx@example.org", first_name="Bérénice", last_name="Garonne"),
            commune=bordeaux_commune, contact_consent_at=now,
        ),
    }  # fmt: skip


@pytest.fixture
def loiret_admin(client, loiret_agent):
    client.force_login(loiret_agent)
    return client


def test_an_agent_sees_only_the_volunteers_of_their_territory(loiret_admin, people):
    page = loiret_admin.get(reverse(CHANGELIST)).content.decode()
    assert "Ophélie Accord" in page and "oui@example.org" in page
    assert "Garonne" not in page and "bdx@example.org" not in page
    bordeaux = people["bordeaux"]
    change = reverse("admin:volunteers_volunteer_change", args=[bordeaux.pk])
    assert loiret_admin.get(change).status_code == 302


def test_without_consent_the_agent_sees_neither_name_nor_address(loiret_admin, people):
    page = loiret_admin.get(reverse(CHANGELIST)).content.decode()
    assert "Argonne" in page  # the volunteer is counted and described…
    assert "Discret" not in page and "discret@example.org" not in page  # …not identified
    detail = loiret_admin.get(
        reverse("admin:volunteers_volunteer_change", args=[people["discreet"].pk])
    ).content.decode()
    assert "Discret" not in detail and "discret@example.org" not in detail


def test_searching_an_address_finds_only_consenting_volunteers(loiret_admin, people):
    found = loiret_admin.get(reverse(CHANGELIST), {"q": "discret@example.org"}).content.decode()
    assert ARGONNE_ROW not in found
    found = loiret_admin.get(reverse(CHANGELIST), {"q": "Accord"}).content.decode()
    assert "oui@example.org" in found
    found = loiret_admin.get(reverse(CHANGELIST), {"q": "argonne"}).content.decode()
    assert ARGONNE_ROW in found


@pytest.mark.parametrize("who", ["loiret", "national"])
def test_a_name_is_searched_only_among_consenting_volunteers_every_word_in_turn(
    client, loiret_agent, national_admin, people, who
):
    client.force_login({"loiret": loiret_agent, "national": national_admin}[who])
    found = client.get(reverse(CHANGELIST), {"q": "Discret"}).text
    assert ARGONNE_ROW not in found
    found = client.get(reverse(CHANGELIST), {"q": "ophélie accord"}).text
    assert SOURCE_ROW in found and ARGONNE_ROW not in found
    found = client.get(reverse(CHANGELIST), {"q": "ophélie argonne"}).text
    assert SOURCE_ROW not in found and ARGONNE_ROW not in found
    found = client.get(reverse(CHANGELIST), {"q": "Orléans"}).text
    assert SOURCE_ROW in found and ARGONNE_ROW in found


def test_a_search_finding_more_than_it_numbers_at_once_finds_them_all(
    loiret_admin, people, monkeypatch
):
    monkeypatch.setattr(volunteers_admin, "SEARCH_FOUND_AT_ONCE", 1)
    found = loiret_admin.get(reverse(CHANGELIST), {"q": "Orléans"}).text
    assert SOURCE_ROW in found and ARGONNE_ROW in found


def test_the_csv_export_holds_only_consenting_volunteers_of_my_territory(loiret_admin, people):
    everyone = [v.pk for v in people.values()]
    response = loiret_admin.post(
        reverse(CHANGELIST), {"action": "export_contacts", "_selected_action": everyone}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Prénom", "Nom", "Adresse électronique"]
    assert [row[2] for row in rows[1:]] == ["oui@example.org"]


def test_an_export_with_nobody_consenting_says_so(loiret_admin, people):
    response = loiret_admin.post(
        reverse(CHANGELIST),
        {"action": "export_contacts", "_selected_action": [people["discreet"].pk]},
        follow=True,
    )
    assert "n&#x27;a accepté d&#x27;être contacté" in response.content.decode()


def test_filters_on_pledge_state_and_this_months_hour(loiret_admin, people):
    CivicHourFactory(volunteer=people["consenting"])
    people["discreet"].pledges.update(ended_on=timezone.localdate())
    active = loiret_admin.get(reverse(CHANGELIST), {"ce_mois": "oui"}).content.decode()
    assert SOURCE_ROW in active and ARGONNE_ROW not in active
    stopped = loiret_admin.get(reverse(CHANGELIST), {"engagement": "arrete"}).content.decode()
    assert ARGONNE_ROW in stopped and SOURCE_ROW not in stopped


def test_the_quartier_filter_lists_the_quartiers_of_the_commune_chosen(
    loiret_admin, people, orleans_commune
):
    people["bordeaux"].quartier = "Chartrons"
    people["bordeaux"].save()
    page = loiret_admin.get(reverse(CHANGELIST)).text
    assert "quartier=La+Source" not in page  # a commune first: quartiers are named in one
    page = loiret_admin.get(reverse(CHANGELIST), {"commune__id__exact": orleans_commune.pk}).text
    assert "quartier=La+Source" in page and "quartier=Argonne" in page
    assert "Chartrons" not in page
    chosen = {"commune__id__exact": orleans_commune.pk, "quartier": "Argonne"}
    page = loiret_admin.get(reverse(CHANGELIST), chosen).text
    assert ARGONNE_ROW in page and SOURCE_ROW not in page


def test_a_mairie_agent_chooses_among_the_quartiers_of_their_commune_at_once(
    client, orleans_agent, people
):
    client.force_login(orleans_agent)
    page = client.get(reverse(CHANGELIST)).text
    assert "quartier=La+Source" in page and "quartier=Argonne" in page


def test_the_commune_filter_lists_the_communes_of_my_department_where_volunteers_live(
    loiret_admin, people, orleans_commune, bordeaux_commune, loiret_department
):
    empty = CommuneFactory(name="Ingré", insee_code="45169", department=loiret_department)
    olivet = CommuneFactory(name="Olivet", insee_code="45232", department=loiret_department)
    VolunteerFactory(commune=olivet)
    page = loiret_admin.get(reverse(CHANGELIST)).text
    assert f"commune__id__exact={orleans_commune.pk}" in page
    assert f"commune__id__exact={olivet.pk}" in page
    assert f"commune__id__exact={bordeaux_commune.pk}" not in page  # not my territory
    assert f"commune__id__exact={empty.pk}" not in page  # nobody lives there
    assert "commune__department__id__exact" not in page  # one department: no need to choose


def test_the_national_team_chooses_a_department_then_a_commune(
    client, national_admin, people, orleans_commune, bordeaux_commune, loiret_department
):
    client.force_login(national_admin)
    hours = reverse("admin:volunteers_civichour_changelist")
    olivet = CommuneFactory(name="Olivet", insee_code="45232", department=loiret_department)
    VolunteerFactory(commune=olivet)
    CivicHourFactory(volunteer=people["consenting"])
    CivicHourFactory(volunteer=people["bordeaux"])
    page = client.get(hours).text
    department = f"volunteer__commune__department__id__exact={loiret_department.pk}"
    assert department in page
    assert f"volunteer__commune__id__exact={orleans_commune.pk}" not in page  # not yet
    page = client.get(f"{hours}?{department}").text
    assert f"volunteer__commune__id__exact={orleans_commune.pk}" in page
    assert f"volunteer__commune__id__exact={bordeaux_commune.pk}" not in page
    assert "Ophélie Accord" in page and "Bérénice Garonne" not in page
    page = client.get(f"{hours}?{department}&volunteer__commune__id__exact={orleans_commune.pk}")
    assert "Ophélie Accord" in page.text


def test_hours_are_listed_for_my_territory_only_and_without_notes(loiret_admin, people):
    CivicHourFactory(volunteer=people["consenting"], note="Courses pour Mme Petit")
    CivicHourFactory(volunteer=people["bordeaux"])
    page = loiret_admin.get(reverse("admin:volunteers_civichour_changelist")).content.decode()
    assert "Ophélie Accord" in page
    assert "Garonne" not in page
    assert "Mme Petit" not in page


def test_hours_are_chosen_by_month_or_year_never_by_a_drill_down(loiret_admin, people):
    hours = reverse("admin:volunteers_civichour_changelist")
    this_month = first_of_month(timezone.localdate())
    last_month = previous_month(this_month)
    long_ago = this_month.replace(year=this_month.year - 4)
    CivicHourFactory(volunteer=people["consenting"], done_on=this_month, minutes=45)
    CivicHourFactory(volunteer=people["consenting"], done_on=last_month, minutes=75)
    CivicHourFactory(volunteer=people["consenting"], done_on=long_ago, minutes=95)
    page = loiret_admin.get(hours).text
    assert "Par mois" in page and f"?mois={last_month:%Y-%m}" in page
    assert f"?mois=avant-{this_month.year - 2}" in page
    assert "toplinks" not in page  # no date drill-down above the list
    shown = loiret_admin.get(hours, {"mois": f"{last_month:%Y-%m}"}).text
    assert "75 min" in shown and "45 min" not in shown and "95 min" not in shown
    shown = loiret_admin.get(hours, {"mois": f"avant-{this_month.year - 2}"}).text
    assert "95 min" in shown and "75 min" not in shown
    # An address typed by hand that names no month shows every hour, as « Tous ».
    shown = loiret_admin.get(hours, {"mois": "2026-13"}).text
    assert "45 min" in shown and "95 min" in shown


def test_a_volunteers_page_shows_their_hours_and_totals_without_their_notes(
    loiret_admin, people, django_assert_max_num_queries
):
    volunteer = people["discreet"]
    today = timezone.localdate()
    this_month = first_of_month(today)
    last_year = today.replace(year=today.year - 1, month=6, day=15)
    CivicHourFactory(volunteer=volunteer, done_on=this_month, minutes=90, note="Chez Mme Petit")
    CivicHourFactory(volunteer=volunteer, done_on=last_year, minutes=60)
    for day in range(1, 16):  # more than the page shows
        CivicHourFactory(volunteer=volunteer, done_on=last_year.replace(day=day), minutes=30)
    CivicHourFactory(volunteer=people["consenting"], done_on=this_month, minutes=45)
    change = reverse("admin:volunteers_volunteer_change", args=[volunteer.pk])
    with django_assert_max_num_queries(25):
        response = loiret_admin.get(change)
    page = unescape(response.content.decode())
    assert "Ce mois-ci : 1 h 30 · depuis le 1er janvier : 1 h 30" in page
    assert "en tout : 10 h (17 fois)" in page
    assert f"dernière le {this_month:%d/%m/%Y}" in page
    assert page.count("<tr><td>") == 12  # the latest ones, bounded
    assert "Chez Mme Petit" not in page
    assert NO_CONSENT in page  # still no name without consent
    every = (
        reverse("admin:volunteers_civichour_changelist") + f"?volunteer__id__exact={volunteer.pk}"
    )
    assert f'href="{every}"' in page
    assert loiret_admin.get(every).status_code == 200


def test_volunteers_cannot_be_changed_or_deleted_through_the_admin(loiret_admin, people):
    volunteer = people["consenting"]
    loiret_admin.post(
        reverse("admin:volunteers_volunteer_delete", args=[volunteer.pk]), {"post": "yes"}
    )
    assert volunteer.__class__.objects.filter(pk=volunteer.pk).exists()


# --- The follow-up emails ----------------------------------------------------------------------


@pytest.fixture
def sent(people, loiret, gironde):
    """This month's reminder of each volunteer, sent from their department's portal."""
    month = first_of_month(timezone.localdate())
    return {
        name: Delivery.objects.create(
            user=volunteer.user,
            kind=Delivery.Kind.REMINDER,
            month=month,
            territory=gironde if name == "bordeaux" else loiret,
            status=Delivery.Status.SENT,
            sent_at=timezone.now(),
        )
        for name, volunteer in people.items()
    }


def test_staff_see_what_was_sent_on_their_portals_addresses_only_with_consent(loiret_admin, sent):
    page = loiret_admin.get(reverse("admin:volunteers_delivery_changelist")).text
    assert "oui@example.org" in page
    assert "discret@example.org" not in page and "contact non autorisé par la personne" in page
    assert "bdx@example.org" not in page
    assert page.count("Rappel mensuel") >= 2
    # An address is found whatever its case; one without consent is not found at all.
    emails = reverse("admin:volunteers_delivery_changelist")
    found = loiret_admin.get(emails, {"q": " OUI@Example.org "}).text
    assert "oui@example.org" in found and "contact non autorisé par la personne" not in found
    found = loiret_admin.get(emails, {"q": "discret@example.org"}).text
    assert 'class="field-kind"' not in found  # no row


def test_staff_send_an_email_again(
    loiret_admin, sent, smtp_server, django_capture_on_commit_callbacks
):
    delivery = sent["consenting"]
    with django_capture_on_commit_callbacks(execute=True):
        response = loiret_admin.post(
            reverse("admin:volunteers_delivery_changelist"),
            {"action": "send_again", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1
    assert smtp_server.recipients() == ["oui@example.org"]


def test_sending_again_is_bounded_per_action_and_per_hour(
    loiret_admin, sent, smtp_server, django_capture_on_commit_callbacks
):
    delivery = sent["consenting"]

    def send_again(ids):
        with django_capture_on_commit_callbacks(execute=True):
            response = loiret_admin.post(
                reverse("admin:volunteers_delivery_changelist"),
                {"action": "send_again", "_selected_action": ids},
                follow=True,
            )
        return unescape(response.content.decode())

    too_many = [delivery.pk] + [
        Delivery.objects.create(user=UserFactory(), kind=Delivery.Kind.SUMMARY,
                                month=first_of_month(timezone.localdate()).replace(year=2000 + n),
                                territory=delivery.territory).pk
        for n in range(100)
    ]  # fmt: skip
    assert "Choisissez au plus 100 courriels à la fois" in send_again(too_many)
    assert smtp_server.messages == []
    for _hour in range(10):
        assert "1 courriel remis en file d'envoi." in send_again([delivery.pk])
    assert "beaucoup de courriels dans l'heure" in send_again([delivery.pk])
    assert len(smtp_server.messages) == 10


def test_the_preview_shows_this_months_email_with_dead_links_and_no_name_without_consent(
    loiret_admin, people
):
    discreet = people["discreet"]
    page = loiret_admin.get(
        reverse("admin:volunteers_volunteer_email_preview", args=[discreet.pk])
    ).text
    assert "Votre heure" in page and "Bonjour," in page
    assert "Denis" not in page and "discret@example.org" not in page
    assert "/mon-heure/courriel/" not in page and "/desinscription/" not in page
    assert '<iframe sandbox=""' in page  # the email's HTML runs nothing
    html = loiret_admin.get(
        reverse("admin:volunteers_volunteer_email_preview_html", args=[discreet.pk])
    )
    assert "Proposez-moi un geste" in html.text and "#apercu" in html.text
    assert "'unsafe-inline'" in html["Content-Security-Policy"]
    assert html["X-Frame-Options"] == "SAMEORIGIN"
    consenting = loiret_admin.get(
        reverse("admin:volunteers_volunteer_email_preview", args=[people["consenting"].pk])
    ).text
    assert "Bonjour Ophélie," in consenting
    # Not another department's volunteer.
    other = reverse("admin:volunteers_volunteer_email_preview", args=[people["bordeaux"].pk])
    assert loiret_admin.get(other).status_code == 404


@pytest.mark.parametrize(
    "typed", ['=HYPERLINK("http://exemple.invalid";"Cliquez")', "+33 6", "-2+3", "@SUM(1)",
              "\t=1+1", "\r=1+1"],
)  # fmt: skip
def test_the_csv_export_never_hands_a_formula_to_the_spreadsheet(loiret_admin, people, typed):
    volunteer = people["consenting"]
    volunteer.quartier = typed
    volunteer.save()
    volunteer.user.first_name = typed
    volunteer.user.save()
    response = loiret_admin.post(
        reverse(CHANGELIST), {"action": "export_contacts", "_selected_action": [volunteer.pk]}
    )
    [header, row] = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    assert row[header.index("Prénom")] == "'" + typed
    assert row[header.index("Quartier")] == "'" + typed
    assert row[header.index("Commune")] == "Orléans"  # the rest is untouched
