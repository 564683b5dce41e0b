from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("certifications/", views.certification_list, name="list"),
    path(
        "certifications/export.csv", views.certification_export, {"fmt": "csv"}, name="export_csv"
    ),
    path(
        "certifications/export.json",
        views.certification_export,
        {"fmt": "json"},
        name="export_json",
    ),
    path("certifications/<slug:slug>/", views.certification_detail, name="detail"),
    path("compare/", views.compare_view, name="compare"),
    path("compare/suggest/", views.compare_suggest, name="compare_suggest"),
]
