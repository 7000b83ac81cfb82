"""Two-factor authentication: required of staff before the admin, offered to residents."""

import html
import re
from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.middleware import passed_second_factor
from territories.models import Membership
from tests.factories import PASSWORD, UserFactory, enrol_in_two_factor, totp_code

ACTIVATE = reverse("mfa_activate_totp")
WRONG_CODE = "Ce code n'est pas valable. Saisissez celui que votre application affiche en ce moment"


def _sign_in(client, user, code=None):
    """Sign in through allauth's form, typing the second factor's code when one is given."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    if code is not None:
        assert response.url == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": code})
    return response


def _secret_shown(page: str) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


@pytest.fixture
def new_officer(loiret):
    """A department officer who has just received their role and never set up a second factor."""
    user = UserFactory(email="nouvelle@loiret.example.org", first_name="Agnès")
    Membership.objects.create(user=user, territory=loiret, role=Membership.Role.DEPARTMENT_OFFICER)
    user.refresh_from_db()
    return user


@pytest.fixture
def new_national_admin(national):
    user = UserFactory(email="nouveau@lheurecivique.example.org")
    Membership.objects.create(user=user, territory=national, role=Membership.Role.NATIONAL_ADMIN)
    user.refresh_from_db()
    return user


def _admin_urls(user) -> list[str]:
    urls = {reverse("admin:index"), reverse("admin:password_change"), "/admin/inconnue/"}
    for model in filter(admin.site.is_registered, apps.get_models()):
        meta = model._meta
        urls.add(reverse("admin:app_list", args=[meta.app_label]))
        urls.add(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.add(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    urls.add(reverse("admin:accounts_user_change", args=[user.pk]))
    urls.add(reverse("admin:accounts_user_history", args=[user.pk]))
    urls.add(reverse("admin:accounts_user_delete", args=[user.pk]))
    return sorted(urls)


def test_every_admin_url_sends_staff_without_a_second_factor_to_enrol(client, new_national_admin):
    _sign_in(client, new_national_admin)
    urls = _admin_urls(new_national_admin)
    assert len(urls) > 40
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert (response.status_code, response.url) == (302, ACTIVATE), url
    # Nothing was changed by those posts.
    new_national_admin.refresh_from_db()
    assert new_national_admin.is_active and new_national_admin.check_password(PASSWORD)


def test_the_enrolment_page_tells_staff_why(client, new_officer):
    _sign_in(client, new_officer)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain == [(ACTIVATE, 302)]
    page = response.content.decode()
    assert "Pour accéder à l'administration, activez d'abord la double authentification." in (
        html.unescape(page)
    )
    assert "chaque membre de l'équipe doit activer la double authentification" in (
        html.unescape(page)
    )
    assert 'src="data:image/svg+xml;base64,' in page
    secret = _secret_shown(page)

    # A wrong code: a French error, and still no admin.
    response = client.post(ACTIVATE, {"code": "000000"})
    assert response.status_code == 200
    assert WRONG_CODE in html.unescape(response.content.decode())
    assert not Authenticator.objects.filter(user=new_officer).exists()
    assert client.get(reverse("admin:index")).url == ACTIVATE

    # (That the admin then opens, in the same session, is seen in tests/browser/test_two_factor.py:
    # allauth reports the enrolment once its transaction is committed.)
    response = client.post(ACTIVATE, {"code": totp_code(secret)}, follow=True)
    assert response.redirect_chain == [(reverse("mfa_view_recovery_codes"), 302)]
    page = response.content.decode()
    assert len(re.findall(r"<li><code>\d{8}</code></li>", page)) == 10
    assert "continuer vers l'administration" in html.unescape(page)
    assert set(Authenticator.objects.filter(user=new_officer).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }


def test_after_enrolment_signing_in_asks_for_the_code(client, loiret_agent):
    response = _sign_in(client, loiret_agent)
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).url.startswith(reverse("admin:login"))

    response = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert WRONG_CODE in html.unescape(response.content.decode())
    assert "_auth_user_id" not in client.session

    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert int(client.session["_auth_user_id"]) == loiret_agent.pk
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_session_opened_before_enrolling_elsewhere_must_confirm_a_code(client, new_officer):
    _sign_in(client, new_officer)
    enrol_in_two_factor(new_officer)  # on another computer, say
    changelist = reverse("admin:territories_membership_changelist")
    response = client.get(changelist)
    assert response.url == f"{reverse('mfa_reauthenticate')}?next={changelist.replace('/', '%2F')}"
    page = client.get(response.url).content.decode()
    assert "Confirmez votre identité" in page

    response = client.post(response.url, {"code": totp_code()})
    assert response.url == changelist
    assert client.get(changelist).status_code == 200


def test_a_recovery_code_works_once(client, new_officer):
    codes = enrol_in_two_factor(new_officer).generate_codes()
    _sign_in(client, new_officer, code=codes[0])
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()

    response = _sign_in(client, new_officer, code=codes[0])
    assert response.status_code == 200
    assert WRONG_CODE in html.unescape(response.content.decode())
    assert "_auth_user_id" not in client.session

    client.post(reverse("mfa_authenticate"), {"code": codes[1]})
    assert client.get(reverse("admin:index")).status_code == 200
    unused = Authenticator.objects.get(user=new_officer, type="recovery_codes").wrap()
    assert len(unused.get_unused_codes()) == 8


def test_staff_who_turn_it_off_lose_the_admin_until_they_enrol_again(client, loiret_agent):
    client.force_login(loiret_agent)
    page = client.get(reverse("mfa_deactivate_totp")).content.decode()
    assert "L'administration vous sera fermée" in html.unescape(page)
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=loiret_agent).exists()
    assert client.get(reverse("admin:index")).url == ACTIVATE


def test_a_resident_is_never_asked_to_enrol(client, resident):
    _sign_in(client, resident)
    for name in ("volunteers:join", "account_email", "personal_data", "gestes:propose"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    # The admin is closed to them as before, and does not send them to enrol either.
    response = client.get(reverse("admin:index"))
    assert response.url.startswith(reverse("admin:login"))


def test_a_resident_may_turn_it_on_from_their_account(client, resident):
    _sign_in(client, resident)
    account = client.get(reverse("account_email")).content.decode()
    assert f'<a href="{reverse("mfa_index")}">Double authentification</a>' in account
    overview = html.unescape(client.get(reverse("mfa_index")).content.decode())
    assert "Elle est facultative" in overview
    assert "obligatoire" not in overview

    secret = _secret_shown(client.get(ACTIVATE).content.decode())
    client.post(ACTIVATE, {"code": totp_code(secret)})
    client.logout()

    response = _sign_in(client, resident)
    assert response.url == reverse("mfa_authenticate")
    page = client.get(response.url).content.decode()
    assert "Votre compte est protégé par une double authentification" in page
    assert re.search(r'<label[^>]*for="id_code"[^>]*>\s*Code de vérification', page)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert int(client.session["_auth_user_id"]) == resident.pk


def test_the_test_client_signs_staff_personas_in_with_both_factors(orleans_agent):
    """The shortcut every admin test relies on (tests/conftest.py) behaves like a sign-in."""
    from tests.conftest import SignInClient

    plain, signed_in = Client(), SignInClient()
    plain.force_login(orleans_agent)
    signed_in.force_login(orleans_agent)
    assert plain.get(reverse("admin:index")).url.startswith(reverse("mfa_reauthenticate"))
    assert signed_in.get(reverse("admin:index")).status_code == 200
    assert passed_second_factor(SimpleNamespace(session=signed_in.session, user=orleans_agent))


def test_the_national_team_resets_the_second_factor_of_someone_who_lost_it(
    client, national_admin, loiret_agent, orleans_agent
):
    changelist = reverse("admin:accounts_twofactorauthentication_changelist")
    client.force_login(loiret_agent)
    assert client.get(changelist).status_code == 403

    client.force_login(national_admin)
    page = client.get(changelist).content.decode()
    assert "Doubles authentifications" in page
    assert loiret_agent.email in page and orleans_agent.email in page
    app = Authenticator.objects.get(user=loiret_agent, type="totp")
    detail = client.get(
        reverse("admin:accounts_twofactorauthentication_change", args=[app.pk])
    ).content.decode()
    assert app.data["secret"] not in detail and "Activée le" in detail

    client.post(
        reverse("admin:accounts_twofactorauthentication_delete", args=[app.pk]), {"post": "yes"}
    )
    assert not Authenticator.objects.filter(user=loiret_agent).exists()  # codes included
    assert Authenticator.objects.filter(user=orleans_agent).count() == 2
    client.force_login(loiret_agent)
    assert client.get(reverse("admin:index")).url == ACTIVATE


def test_signing_in_by_email_code_still_asks_for_the_apps_code(
    client, smtp_server, loiret_agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": loiret_agent.email})
    body = smtp_server.messages[-1].get_body(preferencelist=("plain",)).get_content()
    emailed = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})\r?$", body, re.MULTILINE).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": emailed})
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_land_in_the_admin_and_residents_in_mon_heure(client, loiret_agent, resident):
    response = _sign_in(client, loiret_agent, code=totp_code())
    assert response.url == reverse("admin:index")
    client.logout()
    assert _sign_in(client, resident).url == reverse("volunteers:dashboard")
