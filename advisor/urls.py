from django.urls import path

from . import views

app_name = "advisor"

urlpatterns = [
    path("", views.advisor_step, name="step"),
    path("result/", views.advisor_result, name="result"),
]
