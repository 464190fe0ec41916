"""Races recognizer.services.drawing_save on one drawing key from many threads at once against a real
database (run as a script by test_drawing_key_postgres with $DATABASE_URL pointing at a throwaway
PostgreSQL database; prints JSON).

Each round uses a fresh key: one thread submits the drawing while the others save it as disconnects,
all behind a barrier, so several inserts of the same new key meet the unique constraint together.
"""

import json
import os
import sys
import threading
import uuid

THREADS = 8
ROUNDS = 20
SUBMITTER = 0  # the thread whose save is the submit


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drawsite.settings")
    import django

    django.setup()
    from django.db import connection

    from recognizer import services
    from recognizer.models import Drawing
    from recognizer.timeline import Guess

    def save(key: str, index: int) -> int:
        source = Drawing.Source.SUBMIT if index == SUBMITTER else Drawing.Source.DISCONNECT
        strokes = [[[0, index + 1], [0, index + 1], [0, 10]]]  # the thread's own drawing, to tell whose won
        return services.drawing_save(
            strokes=strokes, canvas=None, label="cat", guesses=[Guess("cat", 0.9)], timeline=[[10, "cat", 0.9]],
            model_version="key-probe", source=source, client_key=key, public=index == SUBMITTER,
        ).pk

    rounds = []
    for _ in range(ROUNDS):
        key = uuid.uuid4().hex
        barrier, ids, errors = threading.Barrier(THREADS), [None] * THREADS, []

        def run(
            index: int, key: str = key, barrier: threading.Barrier = barrier, ids: list = ids, errors: list = errors
        ) -> None:
            try:
                barrier.wait()
                ids[index] = save(key, index)
            except Exception as error:  # reported, not swallowed
                errors.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rows = list(Drawing.objects.filter(client_key=key).values("id", "source", "strokes", "public"))
        rounds.append({"ids": ids, "errors": errors, "rows": rows})
    json.dump({"vendor": connection.vendor, "submitter_strokes": [[[0, SUBMITTER + 1], [0, SUBMITTER + 1], [0, 10]]],
               "rounds": rounds}, sys.stdout)


if __name__ == "__main__":
    main()
