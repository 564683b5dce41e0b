"""The "Editors" group: keeps the catalogue and the guide true, never users or permissions.

Editors add and change certifications, providers and focus areas but do not delete them
(a certification is retired, not deleted, so its public history stays); they may delete
guide rows. They review correction suggestions. Accounts and permissions stay with
superusers.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
CATALOGUE = ["certification", "provider", "focusarea"]
GUIDE = [
    "pitfall",
    "troubleshootingitem",
    "certifyscenario",
    "commonmistake",
    "portfoliostep",
    "industrytrend",
    "source",
]
PERMISSIONS = {
    "catalog": [f"{action}_{model}" for model in CATALOGUE for action in ("add", "change", "view")]
    + [f"{action}_{model}" for model in GUIDE for action in ("add", "change", "delete", "view")],
    "editorial": ["change_correctionsuggestion", "view_correctionsuggestion"],
}


def create_editors(apps, schema_editor):
    db = schema_editor.connection.alias
    # Permissions are normally made after all migrations (post_migrate); make them now.
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=db)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(db).get_or_create(name=GROUP)
    for label, codenames in PERMISSIONS.items():
        found = list(
            Permission.objects.using(db).filter(
                content_type__app_label=label, codename__in=codenames
            )
        )
        missing = set(codenames) - {p.codename for p in found}
        if missing:
            raise RuntimeError(f"permissions missing for the Editors group: {sorted(missing)}")
        group.permissions.add(*found)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(
        name=GROUP
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("catalog", "0002_certification_version"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
