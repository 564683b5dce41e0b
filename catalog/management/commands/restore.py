from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from certsite.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replaces the database's contents with a backup written by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--no-input", action="store_false", dest="interactive")

    def handle(self, *args, file, interactive, **options):
        name = connection.settings_dict["NAME"]
        if interactive:
            answer = input(f"Replace everything in database {name} with {file}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Restore cancelled.")
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {file} into {name}.")
