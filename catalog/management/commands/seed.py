from django.core.management.base import BaseCommand, CommandError

from catalog.seed import SeedError, seed_all


class Command(BaseCommand):
    help = "Loads the seed catalogue and guide; running it again adds only what is missing."

    def handle(self, *args, **options):
        try:
            report = seed_all()
        except SeedError as error:
            raise CommandError(f"Seed data is inconsistent: {error}") from error
        self.stdout.write(f"Seed loaded: {report}.")
