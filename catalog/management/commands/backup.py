import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certsite.backup import BackupError, backup, backup_name


class Command(BaseCommand):
    help = (
        "Writes a consistent copy of the database (pg_dump -Fc on PostgreSQL, SQLite's online "
        "backup otherwise) to BACKUP_DIR (default var/backups/) and prints its path."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="file to write instead of BACKUP_DIR/…")

    def handle(self, *args, output, **options):
        if output is None:
            directory = Path(os.environ.get("BACKUP_DIR", settings.BASE_DIR / "var" / "backups"))
            output = directory / backup_name()
        try:
            path = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(path))
