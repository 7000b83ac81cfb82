"""« Veille canicule et grand froid »: the people flagged, their volunteers (suggested, proposed,
accepted by a signed link), the morning email once per volunteer and day, the three buttons
(a GET changes nothing), the alerts to the CCAS, the day's board, and privacy."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from missions import people
from missions.models import DetailsView
from mobilisation import watch, watch_links
from mobilisation.models import Crisis, WatchCall, WatchMorning, WatchPairing
from tests.factories import BeneficiaryFactory, UserFactory, VolunteerFactory

Outcome = WatchCall.Outcome
Status = WatchPairing.Status


def at(hour: int, day: datetime.date | None = None) -> datetime.datetime:
    """`hour` o'clock, Paris time, today (or on `day`)."""
    return datetime.datetime.combine(
        day or timezone.localdate(), datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def volunteer(commune, email, quartier="La Source", *, consent=True, emergency=False, **kw):
    now = timezone.now()
    return VolunteerFactory(
        commune=commune,
        quartier=quartier,
        user=UserFactory(email=email, first_name=email.split("@")[0].capitalize()),
        contact_consent_at=now if consent else None,
        emergency_available_at=now if emergency else None,
        **kw,
    )


@pytest.fixture
def heatwave(loiret):
    """A heatwave over the Loiret, for three days."""
    return Crisis.objects.create(
        territory=loiret,
        kind=Crisis.Kind.HEATWAVE,
        message="Buvez de l'eau.",
        starts_at=timezone.now() - datetime.timedelta(hours=12),
        ends_on=timezone.localdate() + datetime.timedelta(days=3),
    )


@pytest.fixture
def marcelle(orleans, orleans_commune):
    return BeneficiaryFactory(
        commune=orleans_commune, quartier="La Source", name="Marcelle Dupuis", watched=True
    )


@pytest.fixture
def helene(orleans_commune):
    return volunteer(orleans_commune, "helene@example.org")


def pair(beneficiary, volunteer_, by=None) -> WatchPairing:
    pairing = watch.propose(beneficiary=beneficiary, volunteer=volunteer_, by=by)
    return watch.answer_proposal(pairing=pairing, accept=True)


@pytest.fixture
def paired(marcelle, helene):
    return pair(marcelle, helene)


def path_in(url: str) -> str:
    return urlsplit(url).path


# --- Suggestions and pairing ------------------------------------------------------------------


def test_the_suggestions_come_from_the_quartier_then_the_ready_then_the_least_busy(
    marcelle, orleans_commune, bordeaux_commune
):
    busy = volunteer(orleans_commune, "busy@example.org", emergency=True)
    pair(BeneficiaryFactory(commune=orleans_commune, watched=True), busy)
    ready = volunteer(orleans_commune, "ready@example.org", emergency=True)
    plain = volunteer(orleans_commune, "plain@example.org")
    elsewhere = volunteer(orleans_commune, "argonne@example.org", quartier="Argonne")
    far_ready = volunteer(orleans_commune, "blossieres@example.org", "Blossières", emergency=True)
    volunteer(orleans_commune, "noconsent@example.org", consent=False)
    volunteer(bordeaux_commune, "bordeaux@example.org")
    suggested = watch.suggest(marcelle)
    assert [v.user.email for v in suggested] == [
        ready.user.email,  # quartier, ready, watches nobody
        busy.user.email,  # quartier, ready, watches one person
        plain.user.email,  # quartier
        far_ready.user.email,  # the commune, ready
        elsewhere.user.email,
    ]
    assert [v.load for v in suggested] == [0, 1, 0, 0, 0]


def test_the_agent_proposes_a_volunteer_who_accepts_by_the_link(
    client, orleans_agent, marcelle, helene, django_capture_on_commit_callbacks
):
    client.force_login(orleans_agent)
    page = reverse("admin:mobilisation_watchedperson_change", args=[marcelle.pk])
    response = client.get(page)
    assert "helene@example.org" in response.content.decode()  # suggested
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"action": "propose", "volunteer": helene.pk})
    pairing = WatchPairing.objects.get()
    assert (pairing.volunteer, pairing.status) == (helene, Status.PROPOSED)
    [email] = mail.outbox
    assert email.to == ["helene@example.org"]
    assert "quartier La Source" in email.body
    assert "vous habitez le même quartier" in email.body  # Hélène lives at La Source too
    assert "Marcelle" not in email.body  # her name comes once the volunteer accepts
    yes = path_in(re.search(r"Oui, j'appellerai :\n(\S+)", email.body).group(1))

    client.logout()
    opened = client.get(yes)
    assert "Oui, j&#x27;appellerai" in opened.content.decode()
    assert "Marcelle" not in opened.content.decode()
    pairing.refresh_from_db()
    assert pairing.status == Status.PROPOSED  # a mail scanner's GET changes nothing
    client.post(yes)
    pairing.refresh_from_db()
    assert pairing.status == Status.CONFIRMED
    again = client.post(path_in(watch_links.pairing_path(pairing.pk, False)))
    assert "Vous avez déjà répondu" in again.content.decode()
    pairing.refresh_from_db()
    assert pairing.status == Status.CONFIRMED


def test_a_volunteer_may_decline(client, marcelle, helene):
    pairing = watch.propose(beneficiary=marcelle, volunteer=helene, by=None)
    client.post(watch_links.pairing_path(pairing.pk, False))
    pairing.refresh_from_db()
    assert pairing.status == Status.DECLINED


def test_two_volunteers_at_most_and_reassigning(client, orleans_agent, marcelle, orleans_commune):
    first, second, third = (volunteer(orleans_commune, f"v{n}@example.org") for n in range(3))
    pair(marcelle, first)
    pair(marcelle, second)
    client.force_login(orleans_agent)
    page = reverse("admin:mobilisation_watchedperson_change", args=[marcelle.pk])
    response = client.post(page, {"action": "propose", "volunteer": third.pk}, follow=True)
    assert "déjà 2 volontaires" in response.content.decode()
    assert not WatchPairing.objects.filter(volunteer=third).exists()

    # Reassigning: withdraw the first, propose the third.
    ended = WatchPairing.objects.get(volunteer=first)
    client.post(page, {"action": "end", "pairing": ended.pk})
    client.post(page, {"action": "propose", "volunteer": third.pk})
    assert set(
        watch.active_pairings().filter(beneficiary=marcelle).values_list("volunteer", flat=True)
    ) == {second.pk, third.pk}
    ended.refresh_from_db()
    assert ended.status == Status.ENDED


# --- The morning email ---------------------------------------------------------------------


def test_each_morning_each_volunteer_gets_one_email_with_their_people_only(
    heatwave, orleans, marcelle, helene, orleans_commune, django_capture_on_commit_callbacks
):
    pair(marcelle, helene)
    robert = BeneficiaryFactory(
        commune=orleans_commune, name="Robert Martin", phone="02 38 99 99 99", watched=True
    )
    pair(robert, helene)
    other = volunteer(orleans_commune, "other@example.org")
    pair(BeneficiaryFactory(commune=orleans_commune, name="Jeanne Roux", watched=True), other)
    # Not on the watch: unflagged since, or only proposed.
    unflagged = BeneficiaryFactory(commune=orleans_commune, name="Paul Fort", watched=True)
    pair(unflagged, other)
    unflagged.watched = False
    unflagged.save()
    watch.propose(
        beneficiary=BeneficiaryFactory(commune=orleans_commune, name="Luc Blanc", watched=True),
        volunteer=volunteer(orleans_commune, "waiting@example.org"),
        by=None,
    )
    mail.outbox.clear()

    assert watch.send_mornings(at(7)) == 0  # too early
    with django_capture_on_commit_callbacks(execute=True):
        assert watch.send_mornings(at(9)) == 2
        assert watch.send_mornings(at(10)) == 0  # written once per volunteer and day
    emails = {email.to[0]: email for email in mail.outbox}
    assert set(emails) == {"helene@example.org", "other@example.org"}
    hers = emails["helene@example.org"]
    assert hers.subject.startswith("Veille canicule : vos appels du ")
    assert "Marcelle Dupuis" in hers.body and "Robert Martin" in hers.body
    assert "02 38 99 99 99" in hers.body
    assert "Jeanne Roux" not in hers.body and "Paul Fort" not in hers.body
    assert "Jeanne Roux" in emails["other@example.org"].body
    assert "Paul Fort" not in emails["other@example.org"].body
    assert hers.body.count("/appel/veille/appel/") == 6
    assert hers.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = hers.alternatives[0][0]
    assert orleans.primary_color in html and "Robert Martin" in html  # her portal's colours
    assert WatchMorning.objects.get(volunteer=helene).people == 2
    # The access log says who received whose phone.
    assert DetailsView.objects.filter(user=helene.user, where=watch.WHERE_EMAIL).count() == 2


def test_no_email_without_a_heatwave_or_cold_over_the_commune(
    loiret, gironde, paired, orleans, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    Crisis.objects.create(territory=gironde, kind=Crisis.Kind.HEATWAVE, message="…", ends_on=today)
    Crisis.objects.create(territory=loiret, kind=Crisis.Kind.FLOOD, message="…", ends_on=today)
    ended = Crisis.objects.create(
        territory=orleans, kind=Crisis.Kind.COLD, message="…", ends_on=today,
        ended_at=timezone.now(),
    )  # fmt: skip
    assert ended
    with django_capture_on_commit_callbacks(execute=True):
        assert watch.send_mornings(at(9)) == 0
    assert mail.outbox == []


def test_a_cold_crisis_of_the_commune_starts_the_watch(orleans, paired):
    Crisis.objects.create(
        territory=orleans, kind=Crisis.Kind.COLD, message="…", ends_on=timezone.localdate()
    )
    assert watch.send_mornings(at(9)) == 1


def test_no_email_to_a_volunteer_who_withdrew_their_consent(heatwave, paired, helene):
    helene.contact_consent_at = None
    helene.save()
    assert watch.send_mornings(at(9)) == 0


# --- The three buttons and the alerts -----------------------------------------------------------


def call_url(pairing, outcome, day=None):
    return watch_links.call_path(pairing.pk, day or timezone.localdate(), outcome)


def test_opening_a_button_changes_nothing(client, heatwave, paired):
    for outcome in Outcome.values:
        response = client.get(call_url(paired, outcome))
        assert response.status_code == 200
        assert "Marcelle Dupuis" in response.content.decode()
    assert not WatchCall.objects.exists()


def test_all_is_well(client, heatwave, paired, orleans_agent):
    response = client.post(call_url(paired, Outcome.FINE))
    assert "tout va bien pour Marcelle Dupuis" in response.content.decode()
    call = WatchCall.objects.get()
    assert (call.outcome, call.alert, call.day) == (Outcome.FINE, False, timezone.localdate())
    again = client.post(call_url(paired, Outcome.NEED))
    assert "Vous avez déjà répondu aujourd" in again.content.decode()
    assert WatchCall.objects.count() == 1


def test_need_alerts_the_ccas_at_once(
    client, heatwave, paired, orleans_agent, loiret_agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(call_url(paired, Outcome.NEED), {"note": "Elle n'a plus d'eau."})
    call = WatchCall.objects.get()
    assert call.alert and call.note == "Elle n'a plus d'eau."
    [alert] = mail.outbox
    assert alert.to == [orleans_agent.email]  # the commune's staff handle it
    assert "a besoin d'aide" in alert.subject
    assert "Marcelle" not in alert.body  # the board names her, the email does not
    assert "/admin/mobilisation/watchedperson/?veille=alertes" in alert.body


def _report(pairing, outcome, days_ago=0):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    call = watch.report_call(pairing=pairing, day=day, outcome=outcome)
    WatchCall.objects.filter(pk=call.pk).update(
        at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return call


def test_two_unreachable_in_a_row_alert(paired, orleans_agent, django_capture_on_commit_callbacks):
    assert not _report(paired, Outcome.UNREACHABLE, days_ago=1).alert
    with django_capture_on_commit_callbacks(execute=True):
        assert _report(paired, Outcome.UNREACHABLE).alert
    [alert] = mail.outbox
    assert "reste injoignable" in alert.subject


def test_unreachable_then_fine_does_not_alert(paired, orleans_agent):
    assert not _report(paired, Outcome.UNREACHABLE, days_ago=2).alert
    assert not _report(paired, Outcome.FINE, days_ago=1).alert
    assert not _report(paired, Outcome.UNREACHABLE).alert
    assert mail.outbox == []


def test_unreachable_for_both_volunteers_of_the_day_alerts(marcelle, paired, orleans_commune):
    second = pair(marcelle, volunteer(orleans_commune, "second@example.org"))
    assert not watch.report_call(
        pairing=paired, day=timezone.localdate(), outcome=Outcome.UNREACHABLE
    ).alert
    assert watch.report_call(
        pairing=second, day=timezone.localdate(), outcome=Outcome.UNREACHABLE
    ).alert


@pytest.mark.parametrize(
    "change, heading",
    [
        ("yesterday", "Ce lien était celui d&#x27;un autre jour"),
        ("ended", "Ce lien ne sert plus"),
        ("unflagged", "Ce lien ne sert plus"),
        ("anonymised", "Ce lien ne sert plus"),
        ("no-watch", "L&#x27;alerte est terminée"),
    ],
)
def test_a_button_names_the_person_only_while_paired_on_its_day_under_a_watch(
    client, heatwave, paired, marcelle, change, heading
):
    url = call_url(paired, Outcome.FINE)
    if change == "yesterday":
        url = call_url(paired, Outcome.FINE, timezone.localdate() - datetime.timedelta(days=1))
    elif change == "ended":
        watch.end_pairing(pairing=paired)
    elif change == "unflagged":
        marcelle.watched = False
        marcelle.save()
    elif change == "anonymised":
        marcelle.anonymise()
    else:
        heatwave.ended_at = timezone.now()
        heatwave.save()
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert heading in page
        assert "Marcelle" not in page and "02 38" not in page
    assert not WatchCall.objects.exists()


def test_a_forged_or_damaged_button_changes_nothing(client, heatwave, paired):
    url = call_url(paired, Outcome.FINE)
    assert client.post(url[:-5] + "xxxx/").status_code == 400
    assert not WatchCall.objects.exists()


def test_anonymising_ends_the_watch_and_forgets_the_notes(marcelle, paired):
    watch.report_call(pairing=paired, day=timezone.localdate(), outcome=Outcome.NEED,
                      note="Elle est tombée.")  # fmt: skip
    marcelle.anonymise()
    paired.refresh_from_db()
    assert paired.status == Status.ENDED
    assert WatchCall.objects.get().note == ""
    assert not marcelle.watched


def test_the_volunteer_stops_watching_in_one_click(client, paired, helene):
    url = watch_links.stop_path(helene.pk)
    client.get(url)
    paired.refresh_from_db()
    assert paired.status == Status.CONFIRMED
    client.post(url)  # RFC 8058: no cookie, no token
    paired.refresh_from_db()
    assert paired.status == Status.ENDED


def test_the_call_page_costs_a_constant_number_of_queries(
    client, heatwave, marcelle, paired, django_assert_max_num_queries
):
    url = call_url(paired, Outcome.NEED)
    with django_assert_max_num_queries(6):
        client.get(url)


# --- The board -------------------------------------------------------------------------------


def test_the_board_shows_alerts_first_then_those_to_call_then_those_called(
    client, orleans_agent, heatwave, orleans_commune, django_assert_max_num_queries
):
    people = {}
    for name in ("Alice Called", "Bruno Pending", "Chloé Alert", "Denis Alert"):
        person = BeneficiaryFactory(commune=orleans_commune, name=name, watched=True)
        people[name] = pair(person, volunteer(orleans_commune, f"{name.split()[0]}@example.org"))
    today = timezone.localdate()
    watch.report_call(pairing=people["Alice Called"], day=today, outcome=Outcome.FINE)
    watch.report_call(pairing=people["Chloé Alert"], day=today, outcome=Outcome.NEED)
    watch.report_call(pairing=people["Denis Alert"], day=today, outcome=Outcome.NEED)
    BeneficiaryFactory(commune=orleans_commune, name="Not Watched")
    client.force_login(orleans_agent)
    board = reverse("admin:mobilisation_watchedperson_changelist")
    with django_assert_max_num_queries(30) as counted:
        page = client.get(board).content.decode()
    names = re.findall(r"(Alice Called|Bruno Pending|Chloé Alert|Denis Alert|Not Watched)", page)
    # Each row names the person twice (its link, its checkbox's label).
    assert list(dict.fromkeys(names)) == [
        "Chloé Alert",
        "Denis Alert",
        "Bruno Pending",
        "Alice Called",
    ]
    assert "Alerte canicule en cours" in page
    # More people, as many queries.
    for n in range(5):
        person = BeneficiaryFactory(commune=orleans_commune, name=f"Extra {n}", watched=True)
        pair(person, volunteer(orleans_commune, f"extra{n}@example.org"))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(board)

    alerts = client.get(board, {"veille": "alertes"}).content.decode()
    assert "Chloé Alert" in alerts and "Bruno Pending" not in alerts
    index = client.get(reverse("admin:index")).content.decode()
    assert "2 alertes de la veille canicule à traiter" in index

    # Handled on the person's page: the line leaves « À faire ».
    chloe = people["Chloé Alert"].beneficiary
    client.post(
        reverse("admin:mobilisation_watchedperson_change", args=[chloe.pk]), {"action": "handled"}
    )
    index = client.get(reverse("admin:index")).content.decode()
    assert "1 alerte de la veille canicule à traiter" in index


def test_the_todo_line_costs_one_query_whatever_the_alerts(
    client, orleans_agent, orleans_commune, django_assert_max_num_queries
):
    client.force_login(orleans_agent)
    client.get(reverse("admin:index"))
    with django_assert_max_num_queries(100) as before:
        client.get(reverse("admin:index"))
    for n in range(3):
        person = BeneficiaryFactory(commune=orleans_commune, watched=True)
        pairing = pair(person, volunteer(orleans_commune, f"p{n}@example.org"))
        watch.report_call(pairing=pairing, day=timezone.localdate(), outcome=Outcome.NEED)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert "3 alertes de la veille" in client.get(reverse("admin:index")).content.decode()


def test_elected_officials_and_other_territories_see_no_names(
    client, orleans_elected, gironde_agent, paired, marcelle
):
    board = reverse("admin:mobilisation_watchedperson_changelist")
    person = reverse("admin:mobilisation_watchedperson_change", args=[marcelle.pk])
    client.force_login(orleans_elected)
    assert client.get(board).status_code == 403
    assert client.get(person).status_code in (302, 403)
    client.force_login(gironde_agent)
    assert "Marcelle" not in client.get(board).content.decode()
    assert client.get(person).status_code == 302
    assert client.post(person, {"action": "end", "pairing": paired.pk}).status_code == 302
    paired.refresh_from_db()
    assert paired.status == Status.CONFIRMED


def test_the_flag_is_set_on_the_beneficiary_form(client, orleans_agent, orleans_commune):
    person = BeneficiaryFactory(commune=orleans_commune)
    client.force_login(orleans_agent)
    page = client.get(reverse("admin:missions_beneficiary_change", args=[person.pk]))
    assert "à appeler pendant une alerte canicule ou grand froid" in page.content.decode().lower()


def test_a_watched_person_is_kept_while_their_consent_is_less_than_a_year_old(orleans_commune):
    long_ago = timezone.now() - datetime.timedelta(days=800)
    renewed = BeneficiaryFactory(
        commune=orleans_commune, watched=True, created_at=long_ago,
        consent_at=timezone.now() - datetime.timedelta(days=30),
    )  # fmt: skip
    lapsed = BeneficiaryFactory(
        commune=orleans_commune, watched=True, created_at=long_ago,
        consent_at=timezone.now() - datetime.timedelta(days=400),
    )  # fmt: skip
    assert people.anonymise_beneficiaries() == 1
    renewed.refresh_from_db()
    lapsed.refresh_from_db()
    assert renewed.anonymised_at is None and lapsed.anonymised_at is not None
    assert not lapsed.watched


def test_a_volunteer_who_accepts_during_an_alert_gets_todays_buttons_at_once(
    client, heatwave, marcelle, helene
):
    pairing = watch.propose(beneficiary=marcelle, volunteer=helene, by=None)
    page = client.post(watch_links.pairing_path(pairing.pk, True)).content.decode()
    assert "Marcelle Dupuis" in page and "dès aujourd&#x27;hui" in page
    assert DetailsView.objects.filter(beneficiary=marcelle, user=helene.user).count() == 1
    links = re.findall(r'href="(/appel/veille/appel/[^"]+)"', page)
    assert [watch_links.read_call(link.split("/")[-2]) for link in links] == [
        (pairing.pk, timezone.localdate(), outcome) for outcome in Outcome.values
    ]


def test_one_who_declined_is_not_suggested_again_for_that_person(client, marcelle, helene):
    pairing = watch.propose(beneficiary=marcelle, volunteer=helene, by=None)
    watch.answer_proposal(pairing=pairing, accept=False)
    assert helene not in watch.suggest(marcelle)


def test_the_words_fit_a_man_and_one_alert(client, orleans_agent, heatwave, orleans_commune):
    """Audit 14: « Si personne ne l'a jointe » said of a man; « alerte(s) marquée(s) »."""
    robert = BeneficiaryFactory(commune=orleans_commune, name="Robert Martin", watched=True)
    pairing = pair(robert, volunteer(orleans_commune, "r@example.org"))
    question = client.get(call_url(pairing, Outcome.UNREACHABLE)).content.decode()
    assert "l&#x27;a jointe" not in question and "l'a jointe" not in question
    assert "Si l&#x27;appel précédent n&#x27;avait pas abouti non plus" in question
    client.post(call_url(pairing, Outcome.NEED))
    client.force_login(orleans_agent)
    board = reverse("admin:mobilisation_watchedperson_changelist")
    done = client.post(
        board, {"action": "mark_handled", "_selected_action": [robert.pk]}, follow=True
    )
    assert "1 alerte marquée comme traitée." in done.content.decode()
    assert "(s)" not in done.content.decode()
    again = client.post(
        board, {"action": "mark_handled", "_selected_action": [robert.pk]}, follow=True
    )
    assert "Aucune alerte à traiter parmi les personnes choisies." in again.content.decode()


def test_the_beneficiaries_list_shows_and_filters_who_is_on_the_watch(
    client, orleans_agent, marcelle, orleans_commune
):
    """Audit 10: the filter read « Par à appeler pendant une alerte… »; no column said who."""
    BeneficiaryFactory(commune=orleans_commune, name="Jean Valjean")
    client.force_login(orleans_agent)
    listing = reverse("admin:missions_beneficiary_changelist")
    page = client.get(listing).content.decode()
    assert "Par à appeler" not in page
    assert "Par veille canicule et grand froid" in page
    assert "column-on_watch" in page
    row = next(line for line in page.split("<tr") if "Marcelle Dupuis" in line)
    assert "À appeler pendant une alerte" in row
    row = next(line for line in page.split("<tr") if "Jean Valjean" in line)
    assert "À appeler pendant une alerte" not in row
    watched = client.get(listing, {"veille": "oui"}).content.decode()
    assert "Marcelle Dupuis" in watched and "Jean Valjean" not in watched
    others = client.get(listing, {"veille": "non"}).content.decode()
    assert "Jean Valjean" in others and "Marcelle Dupuis" not in others


def test_the_proposal_says_near_only_of_the_same_quartier(
    client, orleans_agent, marcelle, orleans_commune, django_capture_on_commit_callbacks
):
    """Audit 12: a Saint-Marceau volunteer was told « vous habitez tout près » of a person of
    La Source, suggested only as « même commune »."""
    odile = volunteer(orleans_commune, "odile@example.org", quartier="Saint-Marceau")
    client.force_login(orleans_agent)
    page = reverse("admin:mobilisation_watchedperson_change", args=[marcelle.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"action": "propose", "volunteer": odile.pk})
    [email] = mail.outbox
    html = email.alternatives[0][0]
    for text in (email.body, html):
        assert "tout près" not in text and "même quartier" not in text
        assert "vous habitez la même commune" in text
    assert "une personne de votre commune ?" in email.subject
