from django.urls import path

from recognizer import baseline, gallery, stats_views, views

app_name = "recognizer"
urlpatterns = [
    path("", views.index, name="index"),
    path("categories/", views.categories, name="categories"),
    path("gallery/", gallery.index, name="gallery"),
    path("healthz", views.healthz, name="healthz"),
    path("staff/stats/", stats_views.stats_page, name="stats"),
    # the tutorial flow, for the load benchmark only: 404 unless RECOGNIZER_ENABLE_BASELINE is on
    path("baseline/predict", baseline.predict, name="baseline-predict"),
]
