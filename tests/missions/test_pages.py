"""The public side of the missions through HTTP: the list and its filters, a mission's page,
« Je me propose », « Me retirer », « Mes missions » and the personal calendar, with the rule
that nobody but the accepted volunteer, for a few days, sees who is helped."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.models import (
    DETAILS_VISIBLE_DAYS,
    CalendarFeed,
    DetailsView,
    Mission,
    Participation,
)
from missions.services import create_occurrences
from volunteers.models import CivicHour, Skill

from ..factories import (
    AssociationFactory,
    BeneficiaryFactory,
    MissionFactory,
    ParticipationFactory,
    UserFactory,
    VolunteerFactory,
)
from .conftest import move

Status = Participation.Status
LIST = reverse("missions:list")
MINE = reverse("missions:mine")
PHONE = "02 38 00 00 01"  # the beneficiary's, as BeneficiaryFactory writes it


def text(response) -> str:
    return html.unescape(response.content.decode())


def detail(mission) -> str:
    return reverse("missions:detail", args=[mission.pk])


def titles(response) -> list[str]:
    return [mission.title for mission in response.context["missions"]]


# --- The list ----------------------------------------------------------------------------------


def test_the_list_shows_the_missions_to_come_on_this_portal_only(
    portal_client, orleans_commune, bordeaux_commune, neighbour_need, loiret, gironde
):
    association = AssociationFactory(commune=orleans_commune, name="Les Restos du cœur")
    food_bank = MissionFactory(
        commune=orleans_commune, kind=Mission.Kind.ASSOCIATION, association=association,
        title="Tri à la banque alimentaire", places=6, minutes=90,
    )  # fmt: skip
    full_action = MissionFactory(
        commune=orleans_commune, kind=Mission.Kind.COLLECTIVE, title="Nettoyage des bords de Loire",
        places=2,
    )  # fmt: skip
    ParticipationFactory.create_batch(2, mission=full_action)
    Mission.objects.filter(pk=full_action.pk).update(status=Mission.Status.FILLED)
    filled_need = MissionFactory(commune=orleans_commune, title="Visite déjà pourvue")
    Mission.objects.filter(pk=filled_need.pk).update(status=Mission.Status.FILLED)
    MissionFactory(commune=orleans_commune, title="Mission annulée",
                   status=Mission.Status.CANCELLED)  # fmt: skip
    past = MissionFactory(commune=orleans_commune, title="Mission passée")
    move(past, days=-1)
    MissionFactory(commune=bordeaux_commune, title="Courses à Bordeaux")

    response = portal_client("loiret").get(LIST)
    assert response.status_code == 200
    assert titles(response) == ["Courses du jeudi", "Tri à la banque alimentaire",
                                "Nettoyage des bords de Loire"]  # fmt: skip
    page = text(response)
    assert "À Orléans, La Source" in page
    assert "Avec Les Restos du cœur" in page
    assert "Durée : 1 h 30" in page
    assert "6 places libres sur 6" in page and "1 place" in page
    assert "Complet : liste d'attente" in page
    day = timezone.localtime(food_bank.starts_at)
    assert f"{day.day} " in page and "à 10 h" in page
    # The person helped is never named on the list.
    assert neighbour_need.beneficiary.name not in page and PHONE not in page
    assert titles(portal_client("gironde").get(LIST)) == ["Courses à Bordeaux"]


def test_the_filters_narrow_the_list(
    client, orleans_commune, olivet, neighbour_need, loiret, national
):
    skill = Skill.objects.first()
    weekend = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    weekend += datetime.timedelta(days=(5 - weekend.weekday()) % 7 + 7)  # a Saturday ahead
    clean_up = MissionFactory(commune=olivet, kind=Mission.Kind.COLLECTIVE, places=10,
                              title="Nettoyage du parc", starts_at=weekend)  # fmt: skip
    clean_up.skills.set([skill])
    far = MissionFactory(commune=orleans_commune, title="Visite dans deux mois",
                         starts_at=timezone.now() + datetime.timedelta(days=62))  # fmt: skip

    def found(**query):
        return titles(client.get(LIST, query))

    assert found() == ["Courses du jeudi", "Nettoyage du parc", "Visite dans deux mois"]
    assert found(commune_query="45160") == ["Nettoyage du parc"]
    assert found(commune_query="Orléans", quartier="la source") == ["Courses du jeudi"]
    assert found(kind="collective") == ["Nettoyage du parc"]
    assert found(skill=skill.slug) == ["Nettoyage du parc"]
    weekends = Mission.objects.filter(title__in=found(when="week-end"))
    assert clean_up in weekends
    assert {timezone.localtime(m.starts_at).weekday() for m in weekends} <= {5, 6}
    assert "Visite dans deux mois" not in found(when="mois")
    assert found(day=timezone.localtime(far.starts_at).date().isoformat()) == [far.title]

    # What the list cannot use is said next to its field, and ignored.
    past_day = client.get(LIST, {"day": "2020-01-01"})
    assert "Ce jour est passé" in text(past_day) and len(titles(past_day)) == 3
    unknown = client.get(LIST, {"commune_query": "Zzyzx"})
    assert "Aucune commune française ne correspond à « Zzyzx »" in text(unknown)
    assert len(titles(unknown)) == 3
    for garbage in ({"kind": "rien"}, {"skill": "x" * 300}, {"day": "2024-13-45"},
                    {"commune": "abc"}, {"page": "999"}):  # fmt: skip
        assert client.get(LIST, garbage).status_code in (200, 404)
    # Nothing matches: the page says what to do.
    empty = client.get(LIST, {"kind": "association"})
    assert "Aucune mission ne correspond à ces critères" in text(empty)


def test_a_recurring_need_shows_once_at_its_next_date_and_a_volunteer_sees_where_they_stand(
    client, volunteer, orleans_commune
):
    weekly = MissionFactory(
        commune=orleans_commune, title="Visite du mardi", recurrence=Mission.Recurrence.WEEKLY,
        repeat_until=timezone.localdate() + datetime.timedelta(days=30),
    )  # fmt: skip
    occurrences = create_occurrences(mission=weekly)
    response = client.get(LIST)
    assert titles(response) == ["Visite du mardi"]
    assert response.context["missions"][0] == weekly
    assert ", puis chaque semaine" in text(response)
    # Once the first date is gone, the next one stands for the series.
    move(weekly, days=-1)
    assert list(client.get(LIST).context["missions"]) == [occurrences[0]]
    # A date asked for shows its own occurrence.
    third = timezone.localtime(occurrences[2].starts_at).date().isoformat()
    assert list(client.get(LIST, {"day": third}).context["missions"]) == [occurrences[2]]

    ParticipationFactory(mission=occurrences[0], volunteer=volunteer, status=Status.OFFERED)
    client.force_login(volunteer.user)
    assert "Vous vous êtes proposé·e" in text(client.get(LIST))


def test_several_communes_match_the_typed_name_and_the_list_offers_them(
    client, orleans_commune, loiret_department, national
):
    from ..factories import CommuneFactory

    CommuneFactory(insee_code="45284", name="Saint-Jean-de-Braye", department=loiret_department)
    CommuneFactory(insee_code="45285", name="Saint-Jean-de-la-Ruelle",
                   department=loiret_department)  # fmt: skip
    page = text(client.get(LIST, {"commune_query": "Saint-Jean"}))
    assert "Choisissez votre commune" in page
    assert "Saint-Jean-de-Braye" in page and "Saint-Jean-de-la-Ruelle" in page


def test_a_volunteer_sees_the_missions_near_home_first_and_is_told_so(
    client, volunteer, orleans_commune, olivet, bordeaux_commune, national
):
    soon = timezone.now() + datetime.timedelta(days=1)
    MissionFactory(commune=bordeaux_commune, title="À Bordeaux", starts_at=soon)
    MissionFactory(commune=olivet, title="À Olivet", starts_at=soon + datetime.timedelta(hours=1))
    MissionFactory(commune=orleans_commune, quartier="Argonne", title="À l'Argonne",
                   starts_at=soon + datetime.timedelta(hours=2))  # fmt: skip
    MissionFactory(commune=orleans_commune, quartier="La Source", title="À la Source",
                   starts_at=soon + datetime.timedelta(hours=3))  # fmt: skip

    assert titles(client.get(LIST)) == ["À Bordeaux", "À Olivet", "À l'Argonne", "À la Source"]
    client.force_login(volunteer.user)
    response = client.get(LIST)
    assert titles(response) == ["À la Source", "À l'Argonne", "À Olivet", "À Bordeaux"]
    page = text(response)
    assert "Les plus proches de chez vous d'abord : votre quartier (La Source), puis Orléans, " \
           "puis le Loiret." in page  # fmt: skip
    assert "Dans votre quartier" in page and "Dans votre département" in page


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_list_costs_the_same_queries_with_1_or_20_missions(
    client, volunteer, orleans_commune, loiret, portal_client, signed_in,
    django_assert_max_num_queries,
):  # fmt: skip
    if signed_in:
        client.force_login(volunteer.user)
    skills = list(Skill.objects.all()[:2])
    association = AssociationFactory(commune=orleans_commune)

    def add(count):
        for _n in range(count):
            mission = MissionFactory(commune=orleans_commune, kind=Mission.Kind.ASSOCIATION,
                                     association=association, places=3)  # fmt: skip
            mission.skills.set(skills)
            ParticipationFactory(mission=mission)

    add(1)
    portal_client("loiret").get(LIST)  # the host map, cached from then on
    with django_assert_max_num_queries(9) as first:
        assert portal_client("loiret").get(LIST, {"commune_query": "45000"}).status_code == 200
    add(19)
    with django_assert_max_num_queries(len(first)):
        response = portal_client("loiret").get(LIST, {"commune_query": "45000"})
    assert len(response.context["missions"]) == 12


def test_the_sitemap_of_a_portal_lists_its_missions_to_come(
    portal_client, neighbour_need, bordeaux_commune, loiret, gironde
):
    MissionFactory(commune=bordeaux_commune)
    past = MissionFactory(commune=neighbour_need.commune)
    move(past, days=-1)
    xml = portal_client("loiret").get("/sitemap-missions.xml").content.decode()
    assert xml.count("<loc>") == 1
    assert f"<loc>http://loiret.localhost{detail(neighbour_need)}</loc>" in xml
    pages = portal_client("loiret").get("/sitemap-pages.xml").content.decode()
    assert "<loc>http://loiret.localhost/missions/coup-de-main/</loc>" in pages


# --- A mission's page --------------------------------------------------------------------------


def test_the_page_of_a_mission_tells_what_is_asked_and_never_who(
    client, portal_client, neighbour_need, loiret, gironde
):
    response = portal_client("loiret").get(detail(neighbour_need))
    assert "no-store" in response["Cache-Control"]
    page = text(response)
    assert "Courses du jeudi" in page
    assert "Porter les courses d'une dame âgée du quartier." in page
    assert "À Orléans, La Source (Loiret)" in page
    assert "Je me propose" in page
    assert "4512B" not in page and "Marcelle" not in page and PHONE not in page
    # Another portal does not show it; a garbage address finds nothing.
    assert portal_client("gironde").get(detail(neighbour_need)).status_code == 404
    assert client.get("/missions/999999/").status_code == 404
    assert client.get("/missions/99999999999999999999/").status_code == 404
    assert client.get("/missions/abc/").status_code == 404


def test_a_cancelled_or_past_mission_says_so_rather_than_vanishing(client, neighbour_need, loiret):
    Mission.objects.filter(pk=neighbour_need.pk).update(status=Mission.Status.CANCELLED)
    response = client.get(detail(neighbour_need))
    assert response.status_code == 200
    assert "Cette mission a été annulée" in text(response)
    assert "Je me propose" not in text(response)
    Mission.objects.filter(pk=neighbour_need.pk).update(status=Mission.Status.OPEN)
    move(neighbour_need, days=-2)
    response = client.get(detail(neighbour_need))
    assert "Cette mission a eu lieu le" in text(response)
    assert "Je me propose" not in text(response)


def test_the_page_of_a_mission_costs_a_constant_number_of_queries(
    client, volunteer, neighbour_need, loiret, django_assert_max_num_queries
):
    client.force_login(volunteer.user)
    neighbour_need.skills.set(Skill.objects.all()[:3])
    ParticipationFactory(mission=neighbour_need, volunteer=volunteer)
    client.get(detail(neighbour_need))
    with django_assert_max_num_queries(12) as first:
        client.get(detail(neighbour_need))
    neighbour_need.skills.set(Skill.objects.all())
    ParticipationFactory.create_batch(3, mission=neighbour_need, status=Status.WAITING)
    with django_assert_max_num_queries(len(first)):
        client.get(detail(neighbour_need))


# --- « Je me propose » ---------------------------------------------------------------------------


def test_offering_asks_a_visitor_to_sign_in_and_a_new_account_to_say_where_it_lives(
    client, neighbour_need, loiret
):
    offer = reverse("missions:offer", args=[neighbour_need.pk])
    response = client.post(offer)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={detail(neighbour_need)}"
    client.force_login(UserFactory())
    response = client.post(offer, follow=True)
    assert response.redirect_chain[-1][0] == reverse("volunteers:join")
    assert "dites-nous d'abord où vous habitez" in text(response)
    assert not Participation.objects.exists()
    assert client.get(offer).status_code == 405  # the button's address opened directly


def test_a_volunteer_offers_once_and_follows_it_in_my_missions(client, volunteer, neighbour_need):
    client.force_login(volunteer.user)
    offer = reverse("missions:offer", args=[neighbour_need.pk])
    response = client.post(offer, follow=True)
    assert "Votre proposition est transmise à l'équipe" in text(response)
    assert "Vous vous êtes proposé·e le" in text(response)
    participation = Participation.objects.get()
    assert participation.status == Status.OFFERED

    again = client.post(offer, follow=True)
    assert "Vous vous êtes déjà proposé·e pour cette mission." in text(again)
    assert Participation.objects.count() == 1

    mine = text(client.get(MINE))
    assert "En attente d'une réponse" in mine and "Courses du jeudi" in mine


def test_a_collective_action_gives_a_place_then_the_waiting_list(
    client, volunteer, orleans_commune
):
    action = MissionFactory(commune=orleans_commune, kind=Mission.Kind.COLLECTIVE, places=1,
                            title="Noël des voisins")  # fmt: skip
    before = text(client.get(detail(action)))
    assert "Les premiers inscrits ont une place : il en reste 1." in before
    other = VolunteerFactory(commune=orleans_commune)
    client.force_login(other.user)
    assert "vous avez votre place" in text(
        client.post(reverse("missions:offer", args=[action.pk]), follow=True)
    )
    client.force_login(volunteer.user)
    page = text(client.get(detail(action)))
    assert "Complet : liste d'attente" in page and "vous passez sur la liste d'attente" in page
    response = client.post(reverse("missions:offer", args=[action.pk]), follow=True)
    assert "vous êtes sur la liste d'attente" in text(response)
    assert Participation.objects.get(volunteer=volunteer).status == Status.WAITING


def test_a_full_neighbours_mission_takes_no_more_offers(client, volunteer, neighbour_need):
    ParticipationFactory(mission=neighbour_need)
    Mission.objects.filter(pk=neighbour_need.pk).update(status=Mission.Status.FILLED)
    client.force_login(volunteer.user)
    page = text(client.get(detail(neighbour_need)))
    assert "Cette mission a trouvé ses volontaires" in page and "Je me propose" not in page
    response = client.post(reverse("missions:offer", args=[neighbour_need.pk]), follow=True)
    assert "Cette mission a trouvé ses volontaires : merci quand même !" in text(response)
    assert not Participation.objects.filter(volunteer=volunteer).exists()


def test_no_offer_on_another_portals_mission_nor_a_past_one(
    client, portal_client, volunteer, bordeaux_commune, neighbour_need, gironde, loiret
):
    client.force_login(volunteer.user)
    bordeaux = MissionFactory(commune=bordeaux_commune)
    offer = reverse("missions:offer", args=[bordeaux.pk])
    assert portal_client("loiret").post(offer).status_code == 404
    assert client.post(reverse("missions:offer", args=[10**12])).status_code == 404
    move(neighbour_need, days=-1)
    response = client.post(reverse("missions:offer", args=[neighbour_need.pk]), follow=True)
    assert "Cette mission a déjà eu lieu" in text(response)
    assert not Participation.objects.exists()


def test_offers_are_rate_limited(client, volunteer, orleans_commune, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "mission_offer": "3/h/user"}
    client.force_login(volunteer.user)
    missions = MissionFactory.create_batch(4, commune=orleans_commune)
    for mission in missions[:3]:
        assert client.post(reverse("missions:offer", args=[mission.pk])).status_code == 302
    refused = client.post(reverse("missions:offer", args=[missions[3].pk]))
    assert refused.status_code == 429
    assert Participation.objects.count() == 3


def test_a_volunteer_commits_to_a_whole_series(client, volunteer, orleans_commune):
    weekly = MissionFactory(
        commune=orleans_commune, title="Visite du mardi", recurrence=Mission.Recurrence.WEEKLY,
        repeat_until=timezone.localdate() + datetime.timedelta(days=24),
    )  # fmt: skip
    create_occurrences(mission=weekly)
    client.force_login(volunteer.user)
    occurrence = weekly.occurrences.first()
    page = text(client.get(detail(occurrence)))
    assert "Cette mission revient chaque semaine" in page
    assert "Les prochaines dates de cette mission" in page
    response = client.post(reverse("missions:offer_series", args=[occurrence.pk]), follow=True)
    assert "Vous vous êtes proposé·e pour 4 dates de cette série" in text(response)
    assert Participation.objects.filter(volunteer=volunteer, status=Status.OFFERED).count() == 4
    again = client.post(reverse("missions:offer_series", args=[occurrence.pk]), follow=True)
    assert "Vous êtes déjà sur toutes les dates à venir de cette série." in text(again)
    assert "Je m'engage pour toute la série" not in text(again)  # nothing left to join


# --- « Me retirer » ------------------------------------------------------------------------------


def test_withdrawing_asks_first_then_gives_the_place_to_the_waiting_list(
    client, volunteer, orleans_commune
):
    action = MissionFactory(commune=orleans_commune, kind=Mission.Kind.COLLECTIVE, places=1)
    mine = ParticipationFactory(mission=action, volunteer=volunteer, status=Status.ACCEPTED)
    waiting = ParticipationFactory(mission=action, status=Status.WAITING)
    client.force_login(volunteer.user)
    withdraw = reverse("missions:withdraw", args=[action.pk])
    confirm = text(client.get(withdraw))
    assert "Vous retirer de cette mission ?" in confirm
    assert "revient à la première personne de la liste d'attente" in confirm
    mine.refresh_from_db()
    assert mine.status == Status.ACCEPTED  # a GET changes nothing

    response = client.post(withdraw, follow=True)
    assert response.redirect_chain[-1][0] == MINE
    assert "Vous vous êtes retiré·e" in text(response)
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == (Status.WITHDRAWN, Status.ACCEPTED)


def test_no_withdrawing_after_the_mission_nor_from_someone_elses(client, volunteer, neighbour_need):
    mine = ParticipationFactory(mission=neighbour_need, volunteer=volunteer)
    someone_else = ParticipationFactory(mission=MissionFactory(commune=neighbour_need.commune))
    client.force_login(volunteer.user)
    other = reverse("missions:withdraw", args=[someone_else.mission_id])
    assert client.post(other).status_code == 404
    move(neighbour_need, days=-1)
    response = client.post(reverse("missions:withdraw", args=[neighbour_need.pk]), follow=True)
    assert "La mission a déjà eu lieu" in text(response)
    mine.refresh_from_db()
    someone_else.refresh_from_db()
    assert mine.status == someone_else.status == Status.ACCEPTED


# --- Who sees the person helped ----------------------------------------------------------------


def test_only_the_accepted_volunteer_sees_the_person_helped_and_each_look_is_logged(
    client, volunteer, neighbour_need, orleans_commune
):
    page_of_mission = detail(neighbour_need)
    offered = VolunteerFactory(commune=orleans_commune)
    ParticipationFactory(mission=neighbour_need, volunteer=offered, status=Status.OFFERED)
    ParticipationFactory(mission=neighbour_need, volunteer=volunteer, status=Status.ACCEPTED)
    stranger = VolunteerFactory(commune=orleans_commune)

    def shows_phone(user) -> list[bool]:
        if user:
            client.force_login(user)
        else:
            client.logout()
        pages = [client.get(page_of_mission)] + ([client.get(MINE)] if user else [])
        return [PHONE in text(page) or "4512B" in text(page) for page in pages]

    assert shows_phone(None) == [False]
    assert shows_phone(stranger.user) == [False, False]
    assert shows_phone(offered.user) == [False, False]
    assert not DetailsView.objects.exists()

    assert shows_phone(volunteer.user) == [True, True]
    page = text(client.get(page_of_mission))
    assert "Marcelle Dupuis" in page and "12 rue des Tilleuls" in page
    assert f'href="tel:{PHONE.replace(" ", "")}"' in page
    views = DetailsView.objects.order_by("at")
    assert [view.where for view in views] == ["page de la mission", "Mes missions",
                                              "page de la mission"]  # fmt: skip
    assert {(view.user, view.mission, view.beneficiary) for view in views} == {
        (volunteer.user, neighbour_need, neighbour_need.beneficiary)
    }

    # A few days after the mission, the contact is gone from their pages too.
    move(neighbour_need, days=-(DETAILS_VISIBLE_DAYS + 1))
    assert shows_phone(volunteer.user) == [False, False]
    assert DetailsView.objects.count() == 3


# --- « Mes missions » ----------------------------------------------------------------------------


def test_my_missions_sorts_what_is_coming_waiting_and_done(client, volunteer, orleans_commune):
    def on(title, status, days=3):
        mission = MissionFactory(commune=orleans_commune, title=title)
        move(mission, days=days)
        return ParticipationFactory(mission=mission, volunteer=volunteer, status=status)

    on("Retenue à venir", Status.ACCEPTED)
    on("Proposée", Status.OFFERED)
    on("Invitée", Status.INVITED)
    on("En attente", Status.WAITING)
    on("Faite", Status.DONE, days=-5)
    on("Déclinée", Status.DECLINED)
    client.force_login(volunteer.user)
    response = client.get(MINE)
    context = response.context
    assert [p.mission.title for p in context["accepted"]] == ["Retenue à venir"]
    assert [p.mission.title for p in context["answering"]] == ["Proposée", "Invitée"]
    assert [p.mission.title for p in context["waiting"]] == ["En attente"]
    assert [p.mission.title for p in context["past"]] == ["Faite"]
    page = text(response)
    assert "Déclinée" not in page
    assert "Oui, je peux" in page and "Pas cette fois" in page
    assert "Mission faite : votre heure est enregistrée" in page


def test_my_missions_asks_to_sign_in_and_costs_constant_queries(
    client, volunteer, orleans_commune, django_assert_max_num_queries
):
    assert client.get(MINE)["Location"].startswith(reverse("account_login"))
    client.force_login(volunteer.user)
    ParticipationFactory(mission=MissionFactory(commune=orleans_commune,
                         beneficiary=BeneficiaryFactory(commune=orleans_commune)),
                         volunteer=volunteer)  # fmt: skip
    with django_assert_max_num_queries(10) as first:
        client.get(MINE)
    for status in (Status.ACCEPTED, Status.OFFERED, Status.WAITING, Status.DONE) * 4:
        mission = MissionFactory(
            commune=orleans_commune, beneficiary=BeneficiaryFactory(commune=orleans_commune)
        )
        ParticipationFactory(mission=mission, volunteer=volunteer, status=status)
    with django_assert_max_num_queries(len(first)):
        client.get(MINE)


def test_answering_an_invitation(client, volunteer, orleans_commune):
    yes = ParticipationFactory(mission=MissionFactory(commune=orleans_commune),
                               volunteer=volunteer, status=Status.INVITED)  # fmt: skip
    no = ParticipationFactory(mission=MissionFactory(commune=orleans_commune),
                              volunteer=volunteer, status=Status.INVITED)  # fmt: skip
    client.force_login(volunteer.user)
    client.post(reverse("missions:answer", args=[yes.mission_id]), {"answer": "oui"})
    response = client.post(reverse("missions:answer", args=[no.mission_id]), {"answer": "non"},
                           follow=True)  # fmt: skip
    assert "C'est noté, merci de l'avoir dit" in text(response)
    yes.refresh_from_db()
    no.refresh_from_db()
    assert (yes.status, no.status) == (Status.ACCEPTED, Status.DECLINED)
    again = client.post(reverse("missions:answer", args=[yes.mission_id]), {"answer": "non"},
                        follow=True)  # fmt: skip
    assert "Vous avez déjà répondu à cette invitation." in text(again)
    odd = client.post(reverse("missions:answer", args=[yes.mission_id]), {"answer": "peut-être"},
                      follow=True)  # fmt: skip
    assert "Choisissez « Oui, je peux » ou « Pas cette fois »." in text(odd)
    yes.refresh_from_db()
    assert yes.status == Status.ACCEPTED


def test_the_day_after_counts_the_hour_or_says_what_went_wrong(client, volunteer, orleans_commune):
    def past_mission():
        mission = MissionFactory(commune=orleans_commune, title="Promenade", minutes=90)
        move(mission, days=-1)
        return ParticipationFactory(mission=mission, volunteer=volunteer)

    done, not_happened, problem = past_mission(), past_mission(), past_mission()
    client.force_login(volunteer.user)
    page = text(client.get(MINE))
    assert page.count("Ça s'est bien passé ?") == 3

    def answer(participation, **data):
        prefix = f"suite-{participation.pk}-"
        url = reverse("missions:outcome", args=[participation.mission_id])
        return client.post(url, {prefix + key: value for key, value in data.items()})

    assert answer(done, outcome="oui").status_code == 302
    hour = CivicHour.objects.get(volunteer=volunteer)
    assert (hour.minutes, hour.source) == (90, CivicHour.Source.MISSION)
    answer(not_happened, outcome="pas-eu-lieu")

    refused = answer(problem, outcome="souci", problem="  ")
    assert refused.status_code == 400
    assert "Dites en quelques mots ce qui s'est passé." in text(refused)
    answer(problem, outcome="souci", problem="Personne n'a ouvert la porte.")

    statuses = {p.pk: p.status for p in Participation.objects.all()}
    assert statuses == {done.pk: Status.DONE, not_happened.pk: Status.NOT_HAPPENED,
                        problem.pk: Status.PROBLEM}  # fmt: skip
    problem.refresh_from_db()
    assert problem.problem == "Personne n'a ouvert la porte."
    twice = client.post(reverse("missions:outcome", args=[done.mission_id]),
                        {f"suite-{done.pk}-outcome": "oui"}, follow=True)  # fmt: skip
    assert "Vous avez déjà dit comment s'était passée cette mission." in text(twice)
    assert CivicHour.objects.count() == 1


def test_no_day_after_before_the_mission_nor_on_someone_elses(client, volunteer, neighbour_need):
    mine = ParticipationFactory(mission=neighbour_need, volunteer=volunteer)
    client.force_login(volunteer.user)
    url = reverse("missions:outcome", args=[neighbour_need.pk])
    response = client.post(url, {f"suite-{mine.pk}-outcome": "oui"}, follow=True)
    assert "La mission n'a pas encore eu lieu." in text(response)
    someone_else = ParticipationFactory(mission=MissionFactory(commune=neighbour_need.commune))
    move(someone_else.mission, days=-1)
    url = reverse("missions:outcome", args=[someone_else.mission_id])
    assert client.post(url, {f"suite-{someone_else.pk}-outcome": "oui"}).status_code == 404
    assert not CivicHour.objects.exists()


# --- The personal calendar ---------------------------------------------------------------------


def test_the_personal_calendar_lists_the_accepted_missions_at_a_secret_address(
    client, volunteer, orleans_commune, neighbour_need
):
    ParticipationFactory(mission=neighbour_need, volunteer=volunteer)
    recent = MissionFactory(commune=orleans_commune, title="Il y a une semaine")
    move(recent, days=-7)
    ParticipationFactory(mission=recent, volunteer=volunteer, status=Status.DONE)
    old = MissionFactory(commune=orleans_commune, title="Il y a deux mois")
    move(old, days=-60)
    ParticipationFactory(mission=old, volunteer=volunteer, status=Status.DONE)
    offered = MissionFactory(commune=orleans_commune, title="Seulement proposée")
    ParticipationFactory(mission=offered, volunteer=volunteer, status=Status.OFFERED)

    client.force_login(volunteer.user)
    assert "Créer mon agenda" in text(client.get(MINE))
    client.post(reverse("missions:calendar"), {"action": "creer"})
    secret = CalendarFeed.objects.get(volunteer=volunteer).secret
    page = text(client.get(MINE))
    feed_url = f"http://testserver{reverse('missions:feed', args=[secret])}"
    assert feed_url in page and f"webcal://testserver/missions/agenda/{secret}.ics" in page

    client.logout()  # a calendar application has no session
    feed = client.get(reverse("missions:feed", args=[secret]))
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    ics = feed.content.decode().replace("\r\n ", "")
    assert "SUMMARY:Courses du jeudi" in ics and "SUMMARY:Il y a une semaine" in ics
    assert "Il y a deux mois" not in ics and "Seulement proposée" not in ics
    assert "Marcelle" not in ics and PHONE not in ics and "4512B" not in ics
    assert f"URL:http://testserver{detail(neighbour_need)}" in ics

    # A new address cuts off the old one; an unknown one is not found.
    client.force_login(volunteer.user)
    client.post(reverse("missions:calendar"), {"action": "changer"})
    client.logout()
    assert client.get(reverse("missions:feed", args=[secret])).status_code == 404
    new = CalendarFeed.objects.get(volunteer=volunteer).secret
    assert client.get(reverse("missions:feed", args=[new])).status_code == 200
    assert client.get("/missions/agenda/inconnu.ics").status_code == 404

    client.force_login(volunteer.user)
    client.post(reverse("missions:calendar"), {"action": "supprimer"})
    assert not CalendarFeed.objects.exists()


def test_the_dashboard_and_the_menu_lead_to_my_missions(client, volunteer):
    client.force_login(volunteer.user)
    page = client.get(reverse("volunteers:dashboard")).content.decode()
    assert f'<a class="btn btn-outline-primary" href="{MINE}">Mes missions</a>' in page
    assert f'<a class="btn btn-outline-primary" href="{LIST}">Les missions près de chez moi' in page
    menu = client.get(MINE).content.decode()
    assert f'<a href="{MINE}" aria-current="page">Mes missions</a>' in menu
    assert f'<a href="{LIST}">Missions</a>' in menu


def test_numbers_too_large_for_an_id_and_days_too_far_are_refused_calmly(
    client, volunteer, orleans_commune
):
    huge = "99999999999999999999"
    client.force_login(volunteer.user)
    for path in (f"/missions/{huge}/", f"/missions/{huge}/me-retirer/"):
        assert client.get(path).status_code == 404
    for path in (f"/missions/{huge}/me-retirer/", f"/mon-heure/missions/{huge}/reponse/",
                 f"/mon-heure/missions/{huge}/suite/"):  # fmt: skip
        assert client.post(path).status_code == 404
    page = client.get(reverse("missions:list"), {"day": "9999-12-31"})
    assert page.status_code == 200 and "Choisissez un jour des prochaines années." in text(page)


def test_the_calendar_refuses_an_unknown_action(client, volunteer):
    client.force_login(volunteer.user)
    response = client.post(reverse("missions:calendar"), {"action": "zzz"}, follow=True)
    assert "Choisissez de créer, de changer ou de supprimer votre agenda." in text(response)
    assert not CalendarFeed.objects.exists()
