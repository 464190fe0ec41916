"""Rooms, players, rounds and game drawings: ALL shared game state lives here (not in a process's memory),
so any server process can serve any player and take over any timer.
"""

from django.db import models

from game.codes import CODE_LENGTH
from game.rules import NAME_MAX_CHARS
from recognizer.limits import LABEL_MAX_CHARS
from recognizer.models import Drawing

TOKEN_MAX_LENGTH = 64
CHANNEL_MAX_LENGTH = 200


class Room(models.Model):
    class State(models.TextChoices):
        LOBBY = "lobby"
        PLAYING = "playing"
        FINISHED = "finished"

    code = models.CharField(max_length=CODE_LENGTH, unique=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.LOBBY)
    host = models.ForeignKey("Player", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    game = models.PositiveIntegerField(default=0, help_text="games started in this room (1 = the first)")
    rounds = models.PositiveSmallIntegerField(default=0, help_text="rounds of the current game")
    seconds = models.PositiveSmallIntegerField(default=0, help_text="drawing time of each round")
    current_round = models.ForeignKey("Round", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class Player(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="players")
    name = models.CharField(max_length=NAME_MAX_CHARS)
    token = models.CharField(max_length=TOKEN_MAX_LENGTH, unique=True, help_text="secret the browser keeps to rejoin")
    score = models.IntegerField(default=0)
    channel = models.CharField(max_length=CHANNEL_MAX_LENGTH, blank=True, help_text="current connection, if any")
    connected = models.BooleanField(default=True)
    seen_at = models.DateTimeField(help_text="last heartbeat of its connection")
    disconnected_at = models.DateTimeField(null=True, blank=True)
    left = models.BooleanField(default=False, help_text="seat given up (gone longer than the hold time)")
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined", "id"]

    def __str__(self) -> str:
        return f"{self.name} in {self.room_id}"


class Round(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled"
        RUNNING = "running"
        OVER = "over"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="round_set")
    game = models.PositiveIntegerField()
    number = models.PositiveSmallIntegerField(help_text="1-based within its game")
    prompt = models.CharField(max_length=LABEL_MAX_CHARS)
    state = models.CharField(max_length=16, choices=State.choices, default=State.SCHEDULED)
    starts_at = models.DateTimeField()
    deadline = models.DateTimeField()

    class Meta:
        ordering = ["game", "number"]
        constraints = [models.UniqueConstraint(fields=["room", "game", "number"], name="game_round_unique_number")]

    def __str__(self) -> str:
        return f"{self.room_id} game {self.game} round {self.number}: {self.prompt}"


class GameDrawing(models.Model):
    """One player's drawing in one round: live state while the round runs, then a saved recognizer Drawing."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="drawings")
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="drawings")
    drawing = models.OneToOneField(
        Drawing, null=True, blank=True, on_delete=models.SET_NULL, related_name="game_drawing",
        help_text="the saved drawing (made when the round ends; none if nothing was drawn)",
    )
    strokes = models.JSONField(default=list, help_text="the drawing so far, raw format (synced while drawing)")
    canvas_width = models.PositiveIntegerField(null=True, blank=True)
    canvas_height = models.PositiveIntegerField(null=True, blank=True)
    guesses = models.JSONField(default=list, help_text="latest top-K for the strokes above")
    timeline = models.JSONField(default=list)
    elapsed_ms = models.PositiveIntegerField(null=True, blank=True, help_text="round time when recognized")
    place = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 = first recognized")
    points = models.IntegerField(default=0)

    class Meta:
        ordering = ["round", "place", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "player"], name="game_drawing_unique_player")]

    @property
    def prompt(self) -> str:
        return self.round.prompt

    @property
    def recognized(self) -> bool:
        return self.place is not None

    def __str__(self) -> str:
        return f"{self.player.name}: {self.round.prompt} (round {self.round.number})"
