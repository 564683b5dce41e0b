from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalogue"

    def ready(self):
        from . import (
            signals,  # noqa: F401
            version,
        )

        version.connect()
