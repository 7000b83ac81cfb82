"""allauth's pages and emails say « courriel » and « adresse électronique », never « e-mail »."""

import re

from django.urls import reverse

# « e-mail », « email », « E-mail », « emails » as words a person reads (not inside an address).
E_MAIL = re.compile(r"(?<![\w@.-])e-?mails?(?![\w@-])", re.IGNORECASE)


def _visible(html: str) -> str:
    """The text a person reads: no tags, attribute names or addresses."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\S+@\S+", " ", text)


def _said(response) -> list[str]:
    return E_MAIL.findall(_visible(response.content.decode()))


def test_allauth_pages_say_courriel(client, resident):
    for name in [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
        "account_request_login_code",
    ]:
        response = client.get(reverse(name))
        assert not _said(response), (name, _said(response))
    client.force_login(resident)
    for name in ["account_email", "account_change_password"]:
        response = client.get(reverse(name), follow=True)
        assert response.status_code == 200
        assert not _said(response), (name, _said(response))


def test_allauth_emails_say_courriel(
    client, smtp_server, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": resident.email})
        client.post(reverse("account_reset_password"), {"email": "inconnu@example.org"})
        client.post(
            reverse("account_signup"),
            {
                "email": resident.email,
                "password1": "Un-mot-de-passe-2026",
                "password2": "Un-mot-de-passe-2026",
            },
        )
        client.post(reverse("account_request_login_code"), {"email": resident.email})
    subjects = [str(message["Subject"]).strip() for message in smtp_server.messages]
    assert subjects == [
        "[L'Heure Civique] Choisissez un nouveau mot de passe",
        "[L'Heure Civique] Aucun compte à cette adresse",
        "[L'Heure Civique] Vous avez déjà un compte",
        "[L'Heure Civique] Votre code de connexion",
    ]
    for message in smtp_server.messages:
        text = " ".join(
            [str(message["Subject"]), message.get_body(preferencelist=("plain",)).get_content()]
        )
        text = re.sub(r"\S+@\S+|https?://\S+", " ", text)
        assert not E_MAIL.findall(text), (message["Subject"], text)


def test_signing_out_speaks_to_everyone_without_a_bracketed_e(client, resident):
    client.force_login(resident)
    page = client.get(reverse("account_logout")).content.decode()
    assert "Voulez-vous vraiment vous déconnecter ?" in page
    response = client.post(reverse("account_logout"), follow=True)
    assert "Déconnexion réussie. À bientôt !" in response.content.decode()
    assert "(e)" not in _visible(page + response.content.decode())


def test_allauth_sentences_read_as_plain_french(client, db):
    signup = _visible(client.get(reverse("account_signup")).content.decode())
    login = _visible(client.get(reverse("account_login")).content.decode())
    assert "Vous avez déjà un compte ? Connectez-vous ." in " ".join(signup.split())
    assert "Pas encore de compte ? Créez-en un en une minute." in " ".join(login.split())
    assert "vous pouvez donc" not in signup.lower() and "au préalable" not in login
