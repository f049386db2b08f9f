"""Signed unsubscribe tokens: the link in a mail is its own authority."""

from django.core import signing

SALT = "notifications.unsubscribe"


def unsubscribe_token(reader_id: int, kind: str) -> str:
    return signing.dumps([reader_id, kind], salt=SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(reader id, kind) of a token this site signed; BadSignature otherwise."""
    reader_id, kind = signing.loads(token, salt=SALT)
    return reader_id, kind
