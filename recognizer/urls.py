from django.urls import path

from recognizer import views

app_name = "recognizer"
urlpatterns = [
    path("", views.index, name="index"),
    path("categories/", views.categories, name="categories"),
    path("healthz", views.healthz, name="healthz"),
]
