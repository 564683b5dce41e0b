from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("guide/", views.guide_index, name="guide"),
    path("guide/<slug:slug>/", views.guide_page, name="guide_page"),
]
