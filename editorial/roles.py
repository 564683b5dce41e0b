"""The "Editors" group, defined here and kept in sync on every migrate.

Migration 0002 creates it; this keeps it whole afterwards: a database flush (as the test
suite's transactional tests do) recreates it, and the rights of catalogue or guide
models added later reach editors on the next migrate. Rights are only ever added here.
"""

from django.contrib.auth.models import Group, Permission

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


def sync_editors_group(using: str = "default", **kwargs) -> Group:
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    for label, codenames in PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.using(using).filter(
                content_type__app_label=label, codename__in=codenames
            )
        )
    return group
