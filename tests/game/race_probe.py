"""Races the round's critical sections from many threads at once against a real database (run as a script
by test_integration with $DATABASE_URL pointing at a throwaway PostgreSQL database; prints JSON).

1. N players recognized "in the same instant": every thread calls drawing_recognize behind a barrier.
2. N processes' timers firing together after the deadline: every thread calls room_advance behind a barrier.
"""

import json
import os
import sys
import threading
from datetime import timedelta

THREADS = 6
SECONDS = 20


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drawsite.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from game import rounds, services
    from game.conf import game_config
    from game.models import GameDrawing, Player, Room, Round
    from recognizer.timeline import Guess

    config = game_config()
    now = timezone.now()
    room = services.room_create()
    players = [Player.objects.create(room=room, name=f"p{i}", token=f"race-{room.code}-{i}", seen_at=now) for i in range(THREADS)]
    Room.objects.filter(pk=room.pk).update(state=Room.State.PLAYING, game=1, rounds=1, seconds=SECONDS, host=players[0])
    game_round = Round.objects.create(
        room=room, game=1, number=1, prompt="cat", state=Round.State.RUNNING, starts_at=now,
        deadline=now + timedelta(seconds=SECONDS),
    )
    Room.objects.filter(pk=room.pk).update(current_round=game_round)
    for player in players:
        GameDrawing.objects.create(round=game_round, player=player)

    def race(work) -> list:
        barrier, results, errors = threading.Barrier(THREADS), [None] * THREADS, []

        def run(index: int) -> None:
            try:
                barrier.wait()
                results[index] = work(index)
            except Exception as error:  # reported, not swallowed
                errors.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise RuntimeError(errors)
        return results

    same_instant = now + timedelta(seconds=1)
    recognitions = race(lambda i: rounds.drawing_recognize(
        round_id=game_round.pk, player_id=players[i].pk, strokes=[[[0, 1], [0, 1], [0, 5]]], canvas=None,
        guesses=[Guess("cat", 0.9)], timeline=[[5, "cat", 0.9]], now=same_instant,
    ).payload)
    after_deadline = now + timedelta(seconds=SECONDS) + timedelta(milliseconds=config.finish_grace_ms + 1)
    advances = race(lambda i: [event["type"] for event in rounds.room_advance(
        room_id=room.pk, now=after_deadline, config=config, pool=["cat", "dog"], model_version="race-probe",
    ).events])
    scores = {p.name: p.score for p in Player.objects.filter(room=room)}
    saved = GameDrawing.objects.filter(round=game_round, drawing__isnull=False).count()
    json.dump({"recognitions": recognitions, "advances": advances, "scores": scores, "saved": saved,
               "vendor": connection.vendor}, sys.stdout)


if __name__ == "__main__":
    main()
