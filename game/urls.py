from django.urls import path

from game import views

app_name = "game"
urlpatterns = [
    path("play/", views.play, name="play"),
    path("play/<str:code>/", views.room, name="room"),
    path("play/<str:code>/drawings/<int:drawing_id>.svg", views.picture, name="picture"),
    path("api/rooms", views.room_create, name="room-create"),
]
