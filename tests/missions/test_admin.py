"""The missions in the admin, as a mairie agent uses them through its pages: posting a need,
the list that says what waits, the volunteers of a mission (offers, waiting list, invitations),
closing a mission, entering hours; and nothing of it for the staff of another territory."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.models import Mission, Participation
from tests.factories import (
    BeneficiaryFactory,
    MissionFactory,
    ParticipationFactory,
    VolunteerFactory,
)
from volunteers.models import CivicHour, Skill

Status = Participation.Status
LIST = reverse("admin:missions_mission_changelist")
ADD = reverse("admin:missions_mission_add")
ENTER_HOUR = reverse("admin:missions_mission_enter_hour")


def text(response) -> str:
    """The page's words, without tags and with collapsed spaces."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html).replace("&#x27;", "'").replace("&quot;", '"')


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def page(mission) -> str:
    return reverse("admin:missions_mission_change", args=[mission.pk])


def past(mission, days=1):
    Mission.objects.filter(pk=mission.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=days)
    )
    mission.refresh_from_db()
    return mission


def in_days(days, hour=10):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def person(commune, first_name, last_name, **kwargs):
    volunteer = VolunteerFactory(commune=commune, contact_consent_at=timezone.now(), **kwargs)
    volunteer.user.first_name, volunteer.user.last_name = first_name, last_name
    volunteer.user.save()
    return volunteer


def mission_form(where, **changes) -> dict:
    """What the agent fills in on « Ajouter mission »."""
    starts = in_days(10)
    data = {
        "kind": Mission.Kind.COLLECTIVE,
        "title": "Nettoyage des bords de Loire",
        "summary": "Ramasser les déchets le long du quai, gants et sacs fournis.",
        "commune": where.pk,
        "quartier": "Quai du Châtelet",
        "starts_at_0": starts.date().isoformat(),
        "starts_at_1": "10:00",
        "minutes": 90,
        "places": 8,
        "details": "Rendez-vous devant la capitainerie.",
        "recurrence": "",
        "repeat_until": "",
        "association": "",
        "beneficiary": "",
    }
    return {**data, **changes}


@pytest.fixture
def agent(client, orleans_agent):
    client.force_login(orleans_agent)
    return client


# --- Posting a need ------------------------------------------------------------------------------


def test_an_agent_posts_a_weekly_visit_and_its_dates_are_created(
    agent, orleans_agent, orleans_commune
):
    form = agent.get(ADD)
    page_text = text(form)
    assert "Ce que voit le public" in page_text
    assert "Réservé à l'équipe et aux volontaires retenus" in page_text
    assert "le quartier, jamais la rue" in page_text
    # Their only commune is already chosen.
    assert form.context["adminform"].form.initial["commune"] == orleans_commune.pk

    marcelle = BeneficiaryFactory(commune=orleans_commune)
    first = in_days(3)
    response = agent.post(
        ADD,
        mission_form(
            orleans_commune,
            kind=Mission.Kind.NEIGHBOURS,
            title="Une visite à une voisine",
            summary="Une conversation et un café, le mardi après-midi.",
            starts_at_0=first.date().isoformat(),
            starts_at_1="15:00",
            minutes=60,
            places=1,
            beneficiary=marcelle.pk,
            recurrence=Mission.Recurrence.WEEKLY,
            repeat_until=(first.date() + datetime.timedelta(weeks=4)).isoformat(),
            skills=[Skill.objects.get(slug="ecoute").pk],
        ),
        follow=True,
    )
    visit = Mission.objects.get(series__isnull=True)
    assert visit.posted_by == orleans_agent and visit.beneficiary == marcelle
    assert visit.occurrences.count() == 4
    assert any(
        m.startswith("4 dates créées dans la série, jusqu'au ") for m in messages_of(response)
    )
    assert {m.skills.get().slug for m in visit.occurrences.all()} == {"ecoute"}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"starts_at_0": "2020-01-01"}, "Cette date est passée : choisissez un moment à venir."),
        ({"places": 0}, "Il faut au moins une place."),
        ({"places": 10_000}, "Au plus 200 places."),
        ({"places": "trois"}, "Saisissez un nombre entier."),
        ({"minutes": 2}, "Indiquez au moins 5 minutes."),
        ({"kind": Mission.Kind.NEIGHBOURS, "places": 6}, "cinq personnes au plus"),
        ({"kind": Mission.Kind.ASSOCIATION}, "Choisissez l'association qui propose"),
        ({"commune": "²"}, "Sélectionnez un choix valide"),
        ({"recurrence": Mission.Recurrence.WEEKLY}, "Dites jusqu'à quand la mission se répète."),
    ],
)
def test_a_need_with_bad_input_gets_a_french_error_and_nothing_is_saved(
    agent, orleans_commune, changes, error
):
    response = agent.post(ADD, mission_form(orleans_commune, **changes))
    assert response.status_code == 200
    assert error in text(response)
    assert not Mission.objects.exists()


def test_an_agent_cannot_post_for_another_commune_nor_their_beneficiary(
    agent, orleans_commune, bordeaux_commune
):
    someone_elses = BeneficiaryFactory(commune=bordeaux_commune)
    for changes in ({"commune": bordeaux_commune.pk}, {"beneficiary": someone_elses.pk}):
        response = agent.post(ADD, mission_form(orleans_commune, **changes))
        assert "Sélectionnez un choix valide" in text(response)
    assert not Mission.objects.exists()


# --- The list ------------------------------------------------------------------------------------


def test_the_list_says_what_waits_in_an_agents_words(agent, orleans_commune, bordeaux_commune):
    clean_up = MissionFactory(
        commune=orleans_commune,
        kind=Mission.Kind.COLLECTIVE,
        places=3,
        quartier="La Source",
        title="Nettoyage du parc",
        starts_at=in_days(4),
    )
    ParticipationFactory(mission=clean_up, status=Status.ACCEPTED)
    ParticipationFactory.create_batch(2, mission=clean_up, status=Status.OFFERED)
    visit = past(MissionFactory(commune=orleans_commune, title="Visite à un voisin"))
    ParticipationFactory(mission=visit, status=Status.PROBLEM, problem="Personne n'a ouvert.")
    MissionFactory(commune=bordeaux_commune, title="Une mission bordelaise")

    everything = text(agent.get(LIST, {"quand": "toutes"}))
    assert "Nettoyage du parc" in everything and "Visite à un voisin" in everything
    assert "Orléans – La Source" in everything
    assert "1/3" in everything
    assert "2 propositions à examiner · manque 2 volontaires" in everything
    assert "1 souci" in everything
    assert "bordelaise" not in everything
    # By default, what is still to come.
    upcoming = text(agent.get(LIST))
    assert "Nettoyage du parc" in upcoming and "Visite à un voisin" not in upcoming
    month = f"{timezone.localtime(visit.starts_at):%Y-%m}"
    assert "Visite à un voisin" in text(agent.get(LIST, {"quand": month}))
    for garbage in ("²", "2026-13", "9999-01", ""):
        assert agent.get(LIST, {"quand": garbage, "a_suivre": garbage}).status_code == 200


def test_the_list_costs_the_same_queries_with_3_or_40_missions(
    agent, orleans_commune, django_assert_max_num_queries
):
    def add(count):
        for mission in MissionFactory.create_batch(count, commune=orleans_commune):
            ParticipationFactory(mission=mission, status=Status.OFFERED)

    add(3)
    agent.get(LIST)  # sessions, caches
    with django_assert_max_num_queries(30) as few:
        agent.get(LIST)
    add(37)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = agent.get(LIST)
    assert text(response).count("1 proposition à examiner") == 40


# --- A mission's volunteers ----------------------------------------------------------------------


@pytest.fixture
def visit(orleans_commune):
    """A neighbour's visit for one volunteer, with two offers."""
    mission = MissionFactory(commune=orleans_commune, title="Visite à Mme D.")
    bernard = person(orleans_commune, "Bernard", "Lenoir", quartier="Argonne")
    chloe = person(orleans_commune, "Chloé", "Morel")
    ParticipationFactory(mission=mission, volunteer=bernard, status=Status.OFFERED)
    ParticipationFactory(mission=mission, volunteer=chloe, status=Status.OFFERED)
    return mission


def _offer(mission, first_name):
    return mission.participations.get(volunteer__user__first_name=first_name)


def test_the_agent_accepts_one_offer_and_the_last_place_refuses_the_next(agent, visit):
    mission_page = agent.get(page(visit))
    panel = text(mission_page)
    assert "Propositions à examiner (2)" in panel
    assert "Bernard Lenoir" in panel and "Orléans – Argonne" in panel
    assert mission_page.content.decode().count(">Accepter</button>") == 2

    decide = reverse("admin:missions_mission_decide", args=[visit.pk])
    bernard, chloe = _offer(visit, "Bernard"), _offer(visit, "Chloé")
    response = agent.post(
        decide, {"participation": bernard.pk, "decision": "accepter"}, follow=True
    )
    assert messages_of(response) == [
        f"Bernard Lenoir ({bernard.volunteer.user.email}) est retenu·e pour cette mission."
    ]
    response = agent.post(decide, {"participation": chloe.pk, "decision": "accepter"}, follow=True)
    assert messages_of(response) == ["Toutes les places de cette mission sont prises."]
    chloe.refresh_from_db()
    assert chloe.status == Status.OFFERED
    response = agent.post(decide, {"participation": chloe.pk, "decision": "decliner"}, follow=True)
    assert messages_of(response)[0].startswith("La proposition de Chloé Morel")
    chloe.refresh_from_db()
    visit.refresh_from_db()
    assert (chloe.status, visit.status) == (Status.REFUSED, Mission.Status.FILLED)
    assert agent.get(decide).status_code == 405


def test_a_decision_about_someone_not_on_the_mission_changes_nothing(agent, visit, orleans_commune):
    other = ParticipationFactory(
        mission=MissionFactory(commune=orleans_commune), status=Status.OFFERED
    )
    decide = reverse("admin:missions_mission_decide", args=[visit.pk])
    for data in (
        {"participation": other.pk, "decision": "accepter"},
        {"participation": "²", "decision": "accepter"},
        {"participation": _offer(visit, "Bernard").pk, "decision": "peut-être"},
        {},
    ):
        response = agent.post(decide, data, follow=True)
        assert messages_of(response) == ["Ce ou cette volontaire n'est pas sur cette mission."]
    assert set(Participation.objects.values_list("status", flat=True)) == {Status.OFFERED}


def test_the_waiting_list_shows_in_order_and_moves_up_into_new_places(agent, orleans_commune):
    action = MissionFactory(commune=orleans_commune, kind=Mission.Kind.COLLECTIVE, places=1)
    ParticipationFactory(mission=action, status=Status.ACCEPTED)
    now = timezone.now()
    for first_name, minutes_ago in (("Second", 10), ("Premier", 30)):
        ParticipationFactory(
            mission=action,
            volunteer=person(orleans_commune, first_name, "Attente"),
            status=Status.WAITING,
            answered_at=now - datetime.timedelta(minutes=minutes_ago),
        )
    panel = text(agent.get(page(action)))
    assert "Liste d'attente, dans l'ordre (2)" in panel
    assert panel.index("Premier Attente") < panel.index("Second Attente")

    # One place fewer than the volunteers retained is refused.
    response = agent.post(page(action), {**_as_posted(action), "places": 0})
    assert "1 volontaire est retenu sur cette mission : gardez au moins 1 place" in text(response)
    response = agent.post(page(action), {**_as_posted(action), "places": 2}, follow=True)
    assert "1 volontaire de la liste d'attente prend une des nouvelles places." in (
        messages_of(response)
    )
    assert _offer(action, "Premier").status == Status.ACCEPTED
    assert _offer(action, "Second").status == Status.WAITING


def test_places_cannot_drop_below_the_volunteers_retained(agent, orleans_commune):
    action = MissionFactory(commune=orleans_commune, kind=Mission.Kind.COLLECTIVE, places=3)
    ParticipationFactory.create_batch(2, mission=action, status=Status.ACCEPTED)
    response = agent.post(page(action), {**_as_posted(action), "places": 1})
    assert "2 volontaires sont retenus sur cette mission : gardez au moins 2 places" in text(
        response
    )
    action.refresh_from_db()
    assert action.places == 3


def _as_posted(mission) -> dict:
    local = timezone.localtime(mission.starts_at)
    return mission_form(
        mission.commune,
        kind=mission.kind,
        title=mission.title,
        summary=mission.summary,
        quartier=mission.quartier,
        starts_at_0=local.date().isoformat(),
        starts_at_1=f"{local:%H:%M}",
        minutes=mission.minutes,
        places=mission.places,
        details=mission.details,
    )


# --- Closing a mission ---------------------------------------------------------------------------


def test_marking_missions_done_validates_their_hours_and_refuses_those_to_come(
    agent, orleans_commune
):
    done = past(MissionFactory(commune=orleans_commune, kind=Mission.Kind.COLLECTIVE, places=5))
    ParticipationFactory.create_batch(3, mission=done, status=Status.ACCEPTED)
    ParticipationFactory(mission=done, status=Status.DECLINED)
    ahead = MissionFactory(commune=orleans_commune, title="Plus tard")
    response = agent.post(
        LIST + "?quand=toutes",
        {"action": "complete", "_selected_action": [done.pk, ahead.pk]},
        follow=True,
    )
    assert messages_of(response) == [
        "1 mission marquée réalisée ; 3 heures validées.",
        "« Plus tard » : La mission n'a pas encore eu lieu : elle ne peut pas être faite.",
    ]
    done.refresh_from_db()
    ahead.refresh_from_db()
    assert (done.status, ahead.status) == (Mission.Status.DONE, Mission.Status.OPEN)
    hours = CivicHour.objects.filter(source=CivicHour.Source.MISSION)
    assert hours.count() == 3 and {h.minutes for h in hours} == {done.minutes}


def test_the_missions_page_closes_or_cancels_it_with_its_buttons(agent, orleans_commune):
    done = past(MissionFactory(commune=orleans_commune))
    ParticipationFactory(mission=done, status=Status.ACCEPTED)
    html = agent.get(page(done)).content.decode()
    assert "Marquer comme réalisée et valider les heures</button>" in html
    complete = reverse("admin:missions_mission_complete", args=[done.pk])
    response = agent.post(complete, follow=True)
    assert messages_of(response) == ["La mission est marquée réalisée ; 1 heure validée."]
    response = agent.post(reverse("admin:missions_mission_cancel", args=[done.pk]), follow=True)
    assert messages_of(response) == ["Cette mission est déjà faite."]
    ahead = MissionFactory(commune=orleans_commune)
    assert "Marquer comme réalisée" not in agent.get(page(ahead)).content.decode()
    response = agent.post(reverse("admin:missions_mission_complete", args=[ahead.pk]), follow=True)
    assert "n'a pas encore eu lieu" in messages_of(response)[0]
    agent.post(reverse("admin:missions_mission_cancel", args=[ahead.pk]))
    ahead.refresh_from_db()
    assert ahead.status == Mission.Status.CANCELLED


# --- Hours entered by the mairie -----------------------------------------------------------------


def test_an_hour_entered_for_a_participant_who_is_not_online(agent, orleans_commune):
    visit = past(MissionFactory(commune=orleans_commune, minutes=90), days=2)
    odette = person(orleans_commune, "Odette", "Blanc")
    participation = ParticipationFactory(mission=visit, volunteer=odette, status=Status.ACCEPTED)
    panel = agent.get(page(visit)).content.decode()
    link = f"{ENTER_HOUR}?mission={visit.pk}&amp;volontaire={odette.pk}"
    assert f'href="{link}"' in panel
    form = agent.get(ENTER_HOUR, {"mission": visit.pk, "volontaire": odette.pk})
    assert form.context["form"].initial["minutes"] == 90
    response = agent.post(
        ENTER_HOUR,
        {"mission": visit.pk, "volunteer": odette.pk, "done_on": visit.day, "minutes": 90},
        follow=True,
    )
    assert messages_of(response)[0].startswith("90 minutes notées le ")
    participation.refresh_from_db()
    assert participation.status == Status.DONE
    assert participation.hour.source == CivicHour.Source.STAFF


def test_an_hour_for_any_volunteer_of_the_territory_and_its_bad_input(
    agent, orleans_commune, bordeaux_commune
):
    odette = person(orleans_commune, "Odette", "Blanc")
    elsewhere = person(bordeaux_commune, "Bastien", "Roux")
    assert agent.get(ENTER_HOUR).status_code == 200
    today = timezone.localdate()
    bad = [
        ({"volunteer": elsewhere.pk}, "Ce ou cette volontaire n'est pas de votre territoire."),
        ({"volunteer": "²"}, "Ce ou cette volontaire n'est pas de votre territoire."),
        ({"done_on": today + datetime.timedelta(days=1)}, "Cette date est dans le futur."),
        ({"done_on": "31/02/2026"}, "Cette date n'existe pas."),
        ({"minutes": 0}, "Indiquez au moins 5 minutes."),
        ({"minutes": 10_000}, "Au plus 8 heures pour une même action."),
    ]
    for changes, error in bad:
        data = {"volunteer": odette.pk, "done_on": today, "minutes": 60, **changes}
        response = agent.post(ENTER_HOUR, data)
        assert error in text(response), changes
    assert not CivicHour.objects.exists()
    response = agent.post(
        ENTER_HOUR, {"volunteer": odette.pk, "done_on": today, "minutes": 45}, follow=True
    )
    assert response.redirect_chain[-1][0] == ENTER_HOUR
    assert odette.hours.get().source == CivicHour.Source.STAFF
    assert messages_of(response)[0].endswith("pour Odette Blanc (" + odette.user.email + "), "
                                              "saisies par la mairie.")  # fmt: skip
    # Someone who did not agree to be contacted stays unnamed, here as in their own list.
    secret = VolunteerFactory(commune=orleans_commune, user__first_name="Zoé")
    response = agent.post(
        ENTER_HOUR, {"volunteer": secret.pk, "done_on": today, "minutes": 30}, follow=True
    )
    assert messages_of(response)[0].endswith(
        f"pour Volontaire n° {secret.pk} — contact non autorisé par la personne, saisies par "
        "la mairie."
    )
    page = agent.get(ENTER_HOUR, {"volontaire": secret.pk}).content.decode()
    assert "Zoé" not in page and secret.user.email not in page
    # A mission of another territory, or none, named in the address.
    response = agent.get(ENTER_HOUR, {"mission": "²"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index")


# --- Finding volunteers --------------------------------------------------------------------------


def test_the_agent_finds_volunteers_invites_two_and_sees_them_on_the_mission(
    agent, orleans_agent, orleans_commune, bordeaux_commune
):
    repair = MissionFactory(commune=orleans_commune, quartier="La Source", title="Une étagère")
    repair.skills.set([Skill.objects.get(slug="bricolage")])
    handy = person(orleans_commune, "Hugo", "Martel", quartier="La Source")
    handy.skills.set([Skill.objects.get(slug="bricolage")])
    neighbour = person(orleans_commune, "Inès", "Petit")
    VolunteerFactory(commune=orleans_commune)  # no consent to be contacted
    far = person(bordeaux_commune, "Jules", "Faure")

    find = reverse("admin:missions_mission_find", args=[repair.pk])
    listed = text(agent.get(find))
    assert "Hugo Martel" in listed and "Inès Petit" in listed and "Jules" not in listed
    assert "même quartier · Bricolage et petites réparations" in listed
    assert listed.index("Hugo Martel") < listed.index("Inès Petit")

    response = agent.post(find, {"volunteers": [far.pk]})
    assert "ne peut plus être invité" in text(response)
    response = agent.post(find, {})
    assert "Cochez au moins un ou une volontaire à inviter." in text(response)
    assert not repair.participations.exists()

    response = agent.post(find, {"volunteers": [handy.pk, neighbour.pk]}, follow=True)
    assert messages_of(response)[0].startswith("2 volontaires invité·es par courriel")
    assert "Invités, sans réponse pour l'instant (2)" in text(response)
    assert set(repair.participations.values_list("status", "invited_by")) == {
        (Status.INVITED, orleans_agent.pk)
    }
    # Those asked are not offered again.
    assert "Hugo Martel" not in text(agent.get(find))


def test_no_one_is_invited_to_a_mission_that_has_passed(agent, orleans_commune):
    gone = past(MissionFactory(commune=orleans_commune))
    find = reverse("admin:missions_mission_find", args=[gone.pk])
    response = agent.get(find, follow=True)
    assert messages_of(response) == [
        "Cette mission est passée ou fermée : il n'y a plus personne à inviter."
    ]
    assert "Trouver des volontaires" not in agent.get(page(gone)).content.decode()


# --- Another territory ---------------------------------------------------------------------------


def test_the_staff_of_another_territory_reach_none_of_a_missions_pages(
    client, gironde_agent, visit, orleans_commune
):
    client.force_login(gironde_agent)
    offer = _offer(visit, "Bernard")
    gets = [
        page(visit),
        reverse("admin:missions_mission_find", args=[visit.pk]),
        f"{ENTER_HOUR}?mission={visit.pk}",
    ]
    posts = [
        (reverse("admin:missions_mission_decide", args=[visit.pk]),
         {"participation": offer.pk, "decision": "accepter"}),
        (reverse("admin:missions_mission_find", args=[visit.pk]),
         {"volunteers": [offer.volunteer_id]}),
        (reverse("admin:missions_mission_complete", args=[visit.pk]), {}),
        (reverse("admin:missions_mission_cancel", args=[visit.pk]), {}),
        (ENTER_HOUR, {"mission": visit.pk, "volunteer": offer.volunteer_id,
                      "done_on": timezone.localdate(), "minutes": 60}),
    ]  # fmt: skip
    for url in gets:
        response = client.get(url)
        assert (response.status_code, response.url) == (302, reverse("admin:index")), url
    for url, data in posts:
        response = client.post(url, data)
        assert (response.status_code, response.url) == (302, reverse("admin:index")), url
    assert "Visite à Mme D." not in text(client.get(LIST, {"quand": "toutes"}))
    offer.refresh_from_db()
    visit.refresh_from_db()
    assert (offer.status, visit.status) == (Status.OFFERED, Mission.Status.OPEN)
    assert not CivicHour.objects.exists()
    for garbage in ("²", "999999", "1%20OR%201=1"):
        response = client.get(f"/admin/missions/mission/{garbage}/volontaires/")
        assert response.status_code == 302


# --- An association's referent -------------------------------------------------------------------


@pytest.fixture
def referent(client, association_referent):
    client.force_login(association_referent)
    return client


@pytest.fixture
def restos(association_referent):
    return association_referent.associations.get()


def test_a_referent_sees_only_the_missions_of_their_association_and_no_other_admin(
    referent, restos, orleans_commune
):
    theirs = MissionFactory(
        commune=orleans_commune, kind=Mission.Kind.ASSOCIATION, association=restos,
        title="Distribution du samedi",
    )  # fmt: skip
    MissionFactory(commune=orleans_commune, title="Visite de la mairie")
    index = referent.get(reverse("admin:index"))
    app_list = index.context["app_list"]
    assert [(a["name"], [m["name"] for m in a["models"]]) for a in app_list] == [
        ("Missions", ["Missions"])
    ]
    listed = text(referent.get(LIST))
    assert "Distribution du samedi" in listed and "Visite de la mairie" not in listed
    assert referent.get(page(theirs)).status_code == 200


def test_a_referent_posts_for_their_association_only(
    referent, restos, orleans_commune, association_referent
):
    form = referent.get(ADD)
    fields = form.context["adminform"].form.fields
    assert "kind" not in fields and "commune" not in fields and "beneficiary" not in fields
    assert list(fields["association"].queryset) == [restos]
    data = mission_form(orleans_commune, association=restos.pk, title="Distribution du samedi")
    del data["kind"], data["commune"], data["beneficiary"]
    referent.post(ADD, data)
    mission = Mission.objects.get()
    assert (mission.kind, mission.commune, mission.association, mission.posted_by) == (
        Mission.Kind.ASSOCIATION,
        orleans_commune,
        restos,
        association_referent,
    )
    other = type(restos).objects.create(name="Secours populaire", commune=orleans_commune)
    response = referent.post(ADD, {**data, "association": other.pk})
    assert "Sélectionnez un choix valide" in text(response)
    # Whatever kind, commune or person helped is posted, they do not take.
    referent.post(
        ADD,
        {**data, "kind": Mission.Kind.NEIGHBOURS, "commune": 999,
         "beneficiary": BeneficiaryFactory(commune=orleans_commune).pk},
    )  # fmt: skip
    assert set(Mission.objects.values_list("kind", "beneficiary")) == {
        (Mission.Kind.ASSOCIATION, None)
    }


def test_a_referent_follows_their_participants_but_finds_no_one_and_enters_no_hour(
    referent, restos, orleans_commune
):
    distribution = MissionFactory(
        commune=orleans_commune, kind=Mission.Kind.ASSOCIATION, association=restos, places=2
    )
    offer = ParticipationFactory(
        mission=distribution,
        volunteer=person(orleans_commune, "Karim", "Benali"),
        status=Status.OFFERED,
    )
    html = referent.get(page(distribution)).content.decode()
    assert "Karim Benali" in html and "Trouver des volontaires" not in html
    assert "Saisir une heure" not in html
    referent.post(
        reverse("admin:missions_mission_decide", args=[distribution.pk]),
        {"participation": offer.pk, "decision": "accepter"},
    )
    offer.refresh_from_db()
    assert offer.status == Status.ACCEPTED
    assert (
        referent.get(reverse("admin:missions_mission_find", args=[distribution.pk])).status_code
        == 403
    )
    assert referent.get(ENTER_HOUR).status_code == 403
    mairie = MissionFactory(commune=orleans_commune)
    assert referent.get(page(mairie)).status_code == 302
