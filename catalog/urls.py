from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.certification_list, name="home"),
    path("certifications/", views.certification_list, name="list"),
    path("certifications/<slug:slug>/", views.certification_detail, name="detail"),
]
