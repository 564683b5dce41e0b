"""Where a price file waits between its preview and the editor's confirmation.

django-import-export keeps the upload in the server's shared temp directory and trusts
the file name the confirm form sends back, so a tampered form could read and delete any
file there. Here an upload is stored under a random name in the project's own storage
(``STORAGES["imports"]``, a directory of its own), and the confirm form carries that name
signed together with the editor's id: a name that was changed, belongs to someone else
or is older than ``MAX_AGE`` is refused before anything is read. Uploads nobody
confirmed are deleted by the next upload once they are older than ``MAX_AGE``.
"""

import datetime as dt
import re
import uuid

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone
from import_export.tmp_storages import BaseStorage

MAX_AGE = dt.timedelta(hours=6)
_SALT = "editorial.price-upload"
_NAME = re.compile(r"[0-9a-f]{32}\.csv")


class BadUpload(Exception):
    """The confirmation names no upload of this editor's that is still waiting."""


def _storage():
    return storages["imports"]


class PriceUploadStorage(BaseStorage):
    """import-export's temporary storage, in our own storage, always bytes."""

    def save(self, data):
        remove_abandoned()
        self.name = f"{uuid.uuid4().hex}.csv"
        if isinstance(data, str):
            data = data.encode()
        _storage().save(self.name, ContentFile(data))

    def read(self):
        if not self.name or not _NAME.fullmatch(self.name):
            raise BadUpload("No such upload.")
        try:
            with _storage().open(self.name, "rb") as file:
                return file.read()
        except FileNotFoundError:
            raise BadUpload(
                "This upload has already been imported or has expired: upload the file again."
            ) from None

    def remove(self):
        if self.name and _NAME.fullmatch(self.name):
            _storage().delete(self.name)


def remove_abandoned(*, now: dt.datetime | None = None) -> int:
    """Deletes uploads older than MAX_AGE (previews nobody confirmed); returns how many."""
    storage = _storage()
    cutoff = (now or timezone.now()) - MAX_AGE
    try:
        _, names = storage.listdir("")
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        if not _NAME.fullmatch(name):
            continue
        try:
            if storage.get_modified_time(name) < cutoff:
                storage.delete(name)
                removed += 1
        except FileNotFoundError:
            pass  # another process removed it first
    return removed


def sign(name: str, *, user) -> str:
    return signing.dumps({"name": name, "user": user.pk}, salt=_SALT, compress=True)


def unsign(token: str, *, user) -> str:
    """The upload's name, if ``token`` is this user's own recent upload; else BadUpload."""
    try:
        value = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise BadUpload("This preview has expired: upload the file again.") from None
    except signing.BadSignature:
        raise BadUpload("This confirmation is not valid: upload the file again.") from None
    if (
        not isinstance(value, dict)
        or value.get("user") != user.pk
        or not isinstance(value.get("name"), str)
        or not _NAME.fullmatch(value["name"])
    ):
        raise BadUpload("This confirmation is not valid: upload the file again.")
    return value["name"]
