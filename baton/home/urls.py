from django.urls import path

from baton.home import views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/part/<slug:part>/", views.part, name="home_part"),
]
