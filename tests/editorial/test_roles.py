import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from tests.conftest import make_certification


def perms_of(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_editors_group_is_created_by_a_migration_with_catalogue_and_guide_rights(db):
    perms = perms_of(Group.objects.get(name="Editors"))
    assert {
        "catalog.change_certification",
        "catalog.add_certification",
        "catalog.change_provider",
        "catalog.change_pitfall",
        "catalog.delete_pitfall",
        "catalog.change_source",
        "editorial.change_correctionsuggestion",
    } <= perms


def test_editors_cannot_touch_users_permissions_or_delete_certifications(db):
    perms = perms_of(Group.objects.get(name="Editors"))
    assert not {p for p in perms if p.startswith(("auth.", "axes.", "contenttypes."))}
    assert "catalog.delete_certification" not in perms
    assert "editorial.add_correctionsuggestion" not in perms


def test_an_editor_edits_certifications_but_is_refused_the_user_admin(editor_client):
    cert = make_certification()
    assert editor_client.get(f"/admin/catalog/certification/{cert.pk}/change/").status_code == 200
    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403
    html = editor_client.get("/admin/").content.decode()
    assert "Editors&#x27; dashboard" in html or "Editors' dashboard" in html
    assert "/admin/auth/" not in html


def test_create_editor_command_makes_a_staff_member_of_the_editors_group(db, monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "correct-horse-battery-staple-42")
    call_command("create_editor", "alice", "--email", "alice@example.org", "--no-input")
    alice = User.objects.get(username="alice")
    assert alice.is_staff and not alice.is_superuser
    assert alice.check_password("correct-horse-battery-staple-42")
    assert list(alice.groups.values_list("name", flat=True)) == ["Editors"]
    assert alice.has_perm("catalog.change_certification")
    assert not alice.has_perm("auth.change_user")


def test_create_editor_adds_an_existing_account_to_the_group_without_new_password(db):
    bob = User.objects.create_user("bob", password="bobs-own-long-password")
    call_command("create_editor", "bob", "--no-input")
    bob.refresh_from_db()
    assert bob.is_staff and bob.groups.filter(name="Editors").exists()
    assert bob.check_password("bobs-own-long-password")


def test_create_editor_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_editor", "carol", "--no-input")
    assert not User.objects.filter(username="carol").exists()


def test_create_editor_without_input_needs_a_password_from_the_environment(db, monkeypatch):
    monkeypatch.delenv("DJANGO_EDITOR_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DJANGO_EDITOR_PASSWORD"):
        call_command("create_editor", "dave", "--no-input")


def test_the_group_is_rebuilt_whole_if_lost(db):
    from editorial.roles import sync_editors_group

    before = perms_of(Group.objects.get(name="Editors"))
    Group.objects.filter(name="Editors").delete()
    assert perms_of(sync_editors_group()) == before
