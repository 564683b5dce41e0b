"""Creates an editor: a staff account in the "Editors" group, never a superuser."""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

PASSWORD_VARIABLE = "DJANGO_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Creates an editor account (staff, in the Editors group), or makes an existing "
        f"account an editor. Asks for the new account's password, or reads {PASSWORD_VARIABLE} "
        "with --no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--no-input", action="store_false", dest="interactive")

    def handle(self, *args, username, email, interactive, **options):
        User = get_user_model()
        group = Group.objects.filter(name="Editors").first()
        if group is None:
            raise CommandError("There is no Editors group: run `manage.py migrate` first.")
        user = User.objects.filter(username=username).first()
        password = (
            None if user else self._password(User(username=username, email=email), interactive)
        )
        with transaction.atomic():
            if user is None:
                user = User.objects.create_user(username, email=email, password=password)
                action = "Created"
            else:
                action = "Updated"
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(group)
        self.stdout.write(f"{action} editor {username}: sign in at /admin/.")

    def _password(self, user, interactive: bool) -> str:
        if not interactive:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"Set {PASSWORD_VARIABLE} to the new editor's password.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords did not match.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password
