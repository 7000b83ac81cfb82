"""The Appel: elected officials sign, confirm by email, staff verify; the page shows them."""

import datetime
import io
import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from heurecivique.personal_data import collect
from mobilisation import services
from mobilisation.models import Mandate, Signature
from territories.models import Membership

from ..factories import CommuneFactory, SignatureFactory, UserFactory, enrol_in_two_factor

APPEAL = reverse("mobilisation:appeal")
SIGN = reverse("mobilisation:sign")
CHANGELIST = reverse("admin:mobilisation_signature_changelist")
Status = Signature.Status


def form(**fields):
    return {
        "first_name": "Claire",
        "last_name": "Morin",
        "mandate": Mandate.MAYOR,
        "feminine": "oui",
        "commune_query": "45000",
        "department": "",
        "email": "claire.morin@mairie-orleans.example.org",
        "word": "Orléans s'engage.",
        "attest": "on",
        **fields,
    }


def body(message) -> str:
    return message.get_content()


def link_in(message, name):
    return re.search(rf"https?://[^/\s]+(/appel/{name}/[^\s]+/)", body(message))[1]


@pytest.fixture
def sign(client, smtp_server, django_capture_on_commit_callbacks):
    """Sign with the form and return the confirmation email."""

    def run(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(SIGN, form(**fields))
        assert response.status_code == 302, response.content.decode()[:3000]
        return smtp_server.messages[-1]

    return run


def names_on_page(client, path=APPEAL, **headers):
    page = client.get(path, **headers).content.decode()
    return re.findall(r'<p class="signature__name">([^<]+)</p>', page), page


def test_sign_confirm_verify_then_shown_and_counted(
    sign, client, smtp_server, orleans_commune, loiret, loiret_agent,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    email = sign()
    assert email["To"] == "claire.morin@mairie-orleans.example.org"
    signature = Signature.objects.get()
    assert (signature.status, signature.commune, signature.department.code) == (
        Status.UNCONFIRMED, orleans_commune, "45",
    )  # fmt: skip
    assert names_on_page(client)[0] == []

    # A mail scanner opening the link confirms nothing; the button does.
    confirm = link_in(email, "confirmer")
    anonymous = Client()
    assert "Je confirme ma signature" in anonymous.get(confirm).content.decode()
    signature.refresh_from_db()
    assert signature.status == Status.UNCONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        anonymous.post(confirm)
    signature.refresh_from_db()
    assert signature.status == Status.PENDING and signature.confirmed_at
    to_staff = smtp_server.messages[-1]
    assert to_staff["To"] == loiret_agent.email
    assert "attend votre vérification" in to_staff["Subject"]
    assert names_on_page(client)[0] == []  # not before staff verify the mandate

    client.force_login(loiret_agent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "publish", "_selected_action": [signature.pk]})
    signature.refresh_from_db()
    assert signature.status == Status.VERIFIED and signature.verified_by == loiret_agent
    published = smtp_server.messages[-1]
    assert str(published["Subject"]).endswith("Votre signature de l'Appel est publiée")
    assert "/appel/badge/45234/" in body(published)
    client.logout()
    names, page = names_on_page(client)
    assert names == ["Claire Morin"]
    assert "Maire d&#x27;Orléans" in page and "« Orléans s&#x27;engage. »" in page
    assert "<strong>1</strong> élu signataire" in page
    assert "claire.morin@" not in page  # the address is never published


def test_unconfirmed_and_refused_signatures_are_never_shown(
    client, orleans_commune, loiret_department, smtp_server, loiret_agent,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    SignatureFactory(commune=orleans_commune, status=Status.UNCONFIRMED, last_name="Attente")
    pending = SignatureFactory(commune=orleans_commune, status=Status.PENDING, last_name="Doute")
    client.force_login(loiret_agent)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            CHANGELIST, {"action": "refuse", "_selected_action": [pending.pk]}
        ).content.decode()
        assert "Ces signatures seront refusées" in page
        client.post(
            CHANGELIST,
            {"action": "refuse", "_selected_action": [pending.pk], "apply": "1",
             "reason": "Aucun élu de ce nom au conseil municipal."},
        )  # fmt: skip
    pending.refresh_from_db()
    assert pending.status == Status.REFUSED
    assert "Aucun élu de ce nom" in body(smtp_server.messages[-1])
    client.logout()
    names, page = names_on_page(client)
    assert names == [] and "<strong>0</strong> élu signataire" in page


def test_an_unconfirmed_signature_cannot_be_published(client, orleans_commune, loiret_agent):
    unconfirmed = SignatureFactory(commune=orleans_commune, status=Status.UNCONFIRMED)
    client.force_login(loiret_agent)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [unconfirmed.pk]})
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == Status.UNCONFIRMED


def test_duplicates_are_refused_and_signing_again_resends_the_link(
    sign, client, smtp_server, orleans_commune, loiret
):
    first = sign()
    again = sign(email="Claire.Morin@Mairie-Orleans.example.org")  # the same address
    assert Signature.objects.count() == 1
    assert link_in(again, "confirmer")  # the link again, for the same signature
    Signature.objects.update(status=Status.VERIFIED)
    response = client.post(SIGN, form())
    assert response.status_code == 400
    assert "Cette adresse a déjà signé l&#x27;Appel pour ce mandat" in response.content.decode()
    assert Signature.objects.count() == 1
    # The same person for another mandate signs again.
    sign(mandate=Mandate.DEPARTMENT_COUNCILLOR, department=orleans_commune.department_id)
    assert Signature.objects.count() == 2
    assert first["To"] == again["To"]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"commune_query": "Nulle-Part-sur-Mer"}, "Aucune commune française ne correspond"),
        ({"commune_query": ""}, "Indiquez la commune de votre mandat."),
        ({"mandate": Mandate.SENATOR, "commune_query": ""}, "Choisissez le département"),
        ({"mandate": "empereur"}, "Sélectionnez un choix valide"),
        ({"department": "999999", "mandate": Mandate.MP}, "Choisissez un département de la liste"),
        ({"first_name": "<script>alert(1)</script>"}, "Écrivez-le en lettres"),
        ({"last_name": "R2D2"}, "Écrivez-le en lettres"),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse de courriel valide"),
        ({"word": "x" * 501}, "Assurez-vous que cette valeur comporte au plus 500"),
        ({"attest": ""}, "Cochez cette case pour signer."),
    ],
)
def test_bad_input_gets_a_french_message_and_changes_nothing(
    client, orleans_commune, loiret, fields, message
):
    response = client.post(SIGN, form(**fields))
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Signature.objects.exists()


def test_a_word_with_script_is_shown_as_text(client, orleans_commune, loiret):
    SignatureFactory(commune=orleans_commune, word='<script>alert("x")</script> Bravo !')
    page = client.get(APPEAL).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Bravo !" in page


def test_signing_is_rate_limited_on_signatures_sent_not_mistakes(
    client, orleans_commune, loiret, smtp_server
):
    for _n in range(12):
        assert client.post(SIGN, form(email="pas-une-adresse")).status_code == 400
    for n in range(10):
        assert client.post(SIGN, form(email=f"elu{n}@example.org")).status_code == 302
    response = client.post(SIGN, form(email="elu-de-trop@example.org"))
    assert response.status_code == 429
    assert 'value="elu-de-trop@example.org"' in response.content.decode()
    assert "dans 1 heure" in response.content.decode()
    assert Signature.objects.count() == 10


def test_a_signatory_withdraws_and_disappears_from_the_list_and_the_counts(
    sign, client, orleans_commune, loiret
):
    email = sign()
    Signature.objects.update(status=Status.VERIFIED)
    assert names_on_page(client)[0] == ["Claire Morin"]
    withdraw = link_in(email, "retirer")
    assert "Retirer ma signature" in Client().get(withdraw).content.decode()
    assert Signature.objects.exists()  # a GET withdraws nothing
    response = Client().post(withdraw)
    assert "Votre signature est retirée" in response.content.decode()
    assert not Signature.objects.exists()
    names, page = names_on_page(client)
    assert names == [] and "<strong>0</strong> élu signataire" in page
    assert "Cette signature n'existe plus" in Client().post(withdraw).content.decode()


def test_forged_or_expired_links_get_a_french_page(sign, client, orleans_commune, loiret):
    email = sign()
    confirm = link_in(email, "confirmer")
    forged = confirm.replace(":", "x:", 1)
    response = client.post(forged)
    assert response.status_code == 400
    assert "Ce lien n&#x27;est pas valide" in response.content.decode()
    later = timezone.now() + datetime.timedelta(days=services.CONFIRM_DAYS + 1)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.post(confirm)
    assert response.status_code == 400 and "Ce lien a expiré" in response.content.decode()
    assert Signature.objects.get().status == Status.UNCONFIRMED


def test_counts_and_filter_by_department(client, orleans_commune, bordeaux_commune, national):
    for _n in range(3):
        SignatureFactory(commune=orleans_commune)
    SignatureFactory(commune=bordeaux_commune, last_name="Garonne")
    SignatureFactory(department=bordeaux_commune.department, mandate=Mandate.SENATOR)
    page = client.get(APPEAL).content.decode()
    assert "<strong>5</strong> élus signataires" in page
    assert '<option value="45">45 – Loiret (3)</option>' in page
    assert '<option value="33">33 – Gironde (2)</option>' in page
    names, page = names_on_page(client, APPEAL + "?departement=33")
    assert len(names) == 2 and "Garonne" in " ".join(names)
    assert "2 signataires dans ce département" in page
    # An unknown department shows everyone rather than an error.
    assert len(names_on_page(client, APPEAL + "?departement=zz")[0]) == 5


def test_a_department_portal_shows_its_signatories_first_and_its_presidents_word(
    orleans_commune, bordeaux_commune, loiret, gironde, portal_client
):
    SignatureFactory(commune=bordeaux_commune, last_name="Aaron")  # first in alphabetical order
    SignatureFactory(commune=orleans_commune, last_name="Zola")
    SignatureFactory(
        department=orleans_commune.department,
        mandate=Mandate.DEPARTMENT_PRESIDENT,
        first_name="Marc",
        last_name="Gaudet",
        word="Le Loiret s'engage.",
    )
    names, page = names_on_page(portal_client("loiret"))
    assert names == ["Marc Gaudet", "Claire Zola", "Claire Aaron"]
    assert '<figure class="president-word' in page and "Le Loiret s&#x27;engage." in page
    assert "dont 2 dans le Loiret." in page and "ceux du Loiret d'abord" in page
    names, page = names_on_page(portal_client("gironde"))
    assert names[0] == "Claire Aaron" and "president-word" not in page


def test_the_list_costs_constant_queries_with_10_or_10000_signatures(
    client, orleans_commune, loiret, django_assert_max_num_queries
):
    def signatures(count, start):
        return [
            Signature(
                first_name="Élu", last_name=f"Numéro {start + n}", mandate=Mandate.MAYOR,
                commune=orleans_commune, department=orleans_commune.department,
                place_code=orleans_commune.insee_code, email=f"elu{start + n}@example.org",
                status=Status.VERIFIED,
            )
            for n in range(count)
        ]  # fmt: skip

    Signature.objects.bulk_create(signatures(10, 0))
    # Host map, the text, the counts by department, the number of rows, the page, the word of
    # the department's president.
    for host in ("testserver", "loiret.localhost"):
        with django_assert_max_num_queries(7):
            assert client.get(APPEAL, HTTP_HOST=host).status_code == 200
    Signature.objects.bulk_create(signatures(9990, 10), batch_size=2000)
    for host in ("testserver", "loiret.localhost"):
        with django_assert_max_num_queries(7):
            page = client.get(APPEAL + "?page=3", HTTP_HOST=host).content.decode()
    assert "<strong>10 000</strong> élus signataires" in page.replace("\u202f", " ").replace(
        "\xa0", " "
    )
    assert page.count('class="signature"') == 50


def test_staff_verify_only_the_signatures_of_their_territory(
    client, orleans_commune, bordeaux_commune, loiret, orleans, gironde
):
    municipal = SignatureFactory(commune=orleans_commune, status=Status.PENDING)
    departmental = SignatureFactory(
        department=orleans_commune.department, mandate=Mandate.DEPARTMENT_COUNCILLOR,
        status=Status.PENDING,
    )  # fmt: skip
    bordeaux = SignatureFactory(commune=bordeaux_commune, status=Status.PENDING)
    officer = UserFactory(email="ref@loiret.example.org")
    Membership.objects.create(
        user=officer, territory=loiret, role=Membership.Role.DEPARTMENT_OFFICER
    )
    agent = UserFactory(email="ccas@orleans.example.org")
    Membership.objects.create(user=agent, territory=orleans, role=Membership.Role.COMMUNE_AGENT)
    enrol_in_two_factor(officer)
    enrol_in_two_factor(agent)

    def visible(user):
        client.force_login(user)
        page = client.get(CHANGELIST).content.decode()
        return {s.pk for s in (municipal, departmental, bordeaux) if s.last_name in page}

    assert visible(officer) == {municipal.pk, departmental.pk}
    assert visible(agent) == {municipal.pk}
    # An action on someone else's signature finds nothing to act on.
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [bordeaux.pk]})
    bordeaux.refresh_from_db()
    assert bordeaux.status == Status.PENDING
    change = reverse("admin:mobilisation_signature_change", args=[departmental.pk])
    assert client.get(change).status_code == 302  # not in the agent's scope


def test_the_text_of_the_appeal_is_for_the_national_team_to_edit(
    client, loiret_agent, national_admin
):
    client.force_login(loiret_agent)
    assert client.get(reverse("admin:mobilisation_appeal_change", args=[1])).status_code == 403
    client.force_login(national_admin)
    response = client.post(
        reverse("admin:mobilisation_appeal_change", args=[1]),
        {"title": "Appel à la Mobilisation Solidaire", "lead": "Nous appelons.",
         "body": "## Nos raisons\n\n<script>x</script>Une heure par mois."},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(APPEAL).content.decode()
    assert "<h2>Nos raisons</h2>" in page and "<script>x" not in page


def test_the_badge_of_a_signatory_commune(client, orleans_commune, orleans, loiret):
    badge = reverse("mobilisation:badge", args=["45234"])
    assert client.get(badge).status_code == 404  # nobody signed yet
    SignatureFactory(
        department=orleans_commune.department, mandate=Mandate.SENATOR, status=Status.VERIFIED
    )
    assert client.get(badge).status_code == 404  # a senator does not make a commune sign
    SignatureFactory(commune=orleans_commune)
    page = client.get(badge).content.decode()
    assert "&lt;img src=&quot;http://orleans.lheurecivique.fr/appel/badge/45234.png&quot;" in page
    assert "alt=&quot;Commune engagée pour l&#x27;Heure Civique : Orléans&quot;" in page
    response = client.get(reverse("mobilisation:badge_image", args=["45234"]))
    assert response["Content-Type"] == "image/png"
    assert "max-age" in response["Cache-Control"]
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.size == (600, 200)
        assert image.getpixel((300, 190)) == Image.new(
            "RGB", (1, 1), orleans.primary_color
        ).getpixel((0, 0))


def test_share_tags_and_images_of_the_appeal_and_the_home_page(loiret, national, portal_client):
    for path in (APPEAL, "/"):
        page = portal_client("loiret").get(path).content.decode()
        assert '<meta property="og:type" content="website">' in page
        image = re.search(
            r'<meta property="og:image" content="http://loiret.localhost([^"]+)">', page
        )
        response = portal_client("loiret").get(image[1])
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as picture:
            assert picture.size == (1200, 630)
            assert picture.getpixel((10, 10)) == (0, 88, 124)  # the Loiret's colour


def test_nothing_unneeded_is_kept(orleans_commune, loiret):
    old = timezone.now() - datetime.timedelta(days=8)
    SignatureFactory(commune=orleans_commune, status=Status.UNCONFIRMED, created_at=old)
    recent = SignatureFactory(commune=orleans_commune, status=Status.UNCONFIRMED)
    SignatureFactory(
        commune=orleans_commune, status=Status.REFUSED,
        verified_at=timezone.now() - datetime.timedelta(days=91),
    )  # fmt: skip
    published = SignatureFactory(commune=orleans_commune, created_at=old)
    assert services.purge() == 2
    assert set(Signature.objects.all()) == {recent, published}


def test_the_press_page_has_the_kits_the_figures_and_a_contact(
    orleans_commune, loiret, portal_client
):
    SignatureFactory(commune=orleans_commune)
    page = portal_client("loiret").get(reverse("press")).content.decode()
    assert "Kit communication" in page and "Kit de lancement" in page
    assert "Kit des équipes" not in page  # reserved to staff
    assert "élu signataire de l'Appel" in page
    assert 'href="mailto:contact@lheurecivique.fr"' in page


def test_the_personal_data_export_includes_signatures(resident, orleans_commune):
    SignatureFactory(commune=orleans_commune, email=resident.email, word="Bravo")
    signatures = collect(resident)["signatures de l'Appel"]
    assert signatures[0]["mot de soutien"] == "Bravo"
    assert signatures[0]["lieu"] == "Orléans (45)"


def test_signatories_get_their_real_title_with_the_place_and_its_article(
    orleans_commune, bordeaux_commune, loiret, portal_client
):
    saint_denis = CommuneFactory(
        insee_code="45274", name="Saint-Denis-en-Val", department=orleans_commune.department
    )
    SignatureFactory(commune=saint_denis, last_name="Val")
    SignatureFactory(department=bordeaux_commune.department, mandate=Mandate.SENATOR, feminine=True)
    SignatureFactory(
        department=orleans_commune.department,
        mandate=Mandate.DEPARTMENT_PRESIDENT,
        last_name="Gaudet",
        word="Le Loiret s'engage.",
    )
    SignatureFactory(commune=orleans_commune, mandate=Mandate.DEPUTY_MAYOR, feminine=True)
    _names, page = names_on_page(portal_client("loiret"))
    page = page.replace("&#x27;", "'")
    assert "Maire de Saint-Denis-en-Val" in page
    assert "Sénatrice de la Gironde" in page
    assert "Président du conseil départemental du Loiret" in page
    assert "président du conseil départemental du Loiret</figcaption>" in page
    assert "Adjointe au maire d'Orléans" in page
    assert "(e)" not in page and "Sénateur(rice)" not in page
    assert "Et vous, qui habitez dans le Loiret ?" in page
