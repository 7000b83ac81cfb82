"""Signed links sent by email, which work without signing in (the buttons of the follow-up
emails, unsubscribing, confirming a signature of the Appel).

A token carries a little data signed with the secret key and a purpose (`salt`): nobody can make
one for someone else, nor use one for another purpose, and it expires.
"""

import datetime

from django.core import signing


class BadLink(Exception):
    """A link that was forged, damaged or is too old; `message` says so in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def make_token(data: dict, salt: str) -> str:
    return signing.dumps(data, salt=salt)


# The largest id a row can have (PostgreSQL's bigint): a link carrying a larger one was not
# made here.
MAX_ID = 2**63 - 1
INVALID = "Ce lien n'est pas valide."


def read_token(token: str, salt: str, days: int, fields: dict[str, type]) -> dict:
    """The data of a token made by make_token with this salt, at most `days` days ago, which
    must hold `fields`, each of its type: an `int` is an id a row can have, a `str` holds no
    NUL character. A well-signed token that carries anything else is refused like a damaged
    one: the code that reads it must never meet a value it did not make."""
    try:
        data = signing.loads(token, salt=salt, max_age=datetime.timedelta(days=days))
    except signing.SignatureExpired:
        raise BadLink(
            f"Ce lien a expiré : les liens de nos courriels sont valables {days} jours. "
            "Connectez-vous pour retrouver votre espace."
        ) from None
    except signing.BadSignature:
        raise BadLink(
            "Ce lien n'est pas valide : il a peut-être été coupé en deux par votre messagerie. "
            "Copiez-le en entier dans la barre d'adresse, ou connectez-vous à votre espace."
        ) from None
    if not isinstance(data, dict) or not all(
        name in data and _fits(data[name], kind) for name, kind in fields.items()
    ):
        raise BadLink(INVALID)
    return data


def _fits(value, kind: type[int] | type[str]) -> bool:
    if kind is int:
        return type(value) is int and 0 < value <= MAX_ID  # a bool is no id
    return isinstance(value, str) and "\x00" not in value
