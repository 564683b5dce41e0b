import datetime as dt

import pytest
from django import forms
from django.contrib.auth.models import Group, User
from django.test import Client

PASSWORD = "a-long-editor-passphrase"


def make_editor(username: str = "editor") -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


def change_url(cert) -> str:
    return f"/admin/catalog/certification/{cert.pk}/change/"


def form_data(response) -> dict:
    """What a browser would submit from an admin change form, as rendered."""
    form = response.context["adminform"].form
    data = {"_save": "Save"}
    for name, field in form.fields.items():
        widget = getattr(field.widget, "widget", field.widget)
        value = form[name].value()
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif getattr(widget, "allow_multiple_selected", False):
            data[name] = [str(v) for v in value or []]
        elif value is None:
            data[name] = ""
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def edit(client, cert, **changes):
    """Opens the change form, changes some fields and saves; returns the response."""
    data = form_data(client.get(change_url(cert))) | changes
    return client.post(change_url(cert), data)
