from django.urls import path

from certsite.pagecache import public_page

from . import feeds, views

app_name = "editorial"

urlpatterns = [
    path("changes/", views.changes, name="changes"),
    path("changes/feed/", public_page(feeds.AllChangesFeed()), name="feed"),
    path(
        "certifications/<slug:slug>/feed/",
        public_page(feeds.CertificationFeed()),
        name="certification_feed",
    ),
    path("certifications/<slug:slug>/suggest/", views.suggest, name="suggest"),
    path(
        "certifications/<slug:slug>/suggest/thanks/",
        views.suggest_thanks,
        name="suggest_thanks",
    ),
    path("editors/", views.dashboard, name="dashboard"),
]
