"""recognizer.services.drawing_save: update-or-create by the drawing's client key (SQLite here;
tests/web/test_drawing_key_postgres.py races it on PostgreSQL)."""

from typing import Any

import pytest
from django.db.models.query import QuerySet

from recognizer import services
from recognizer.models import Drawing
from recognizer.protocol import KEY_MAX_CHARS
from recognizer.timeline import Guess

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"
HALF = [[[0, 50], [0, 80], [0, 40]]]  # the drawing as saved when the connection dropped
WHOLE = HALF + [[[10, 90, 95], [60, 60, 61], [300, 350, 360]]]  # …and as submitted after the reconnect
DISCONNECT, SUBMIT = Drawing.Source.DISCONNECT, Drawing.Source.SUBMIT


def save(strokes: list, source: str, key: str | None = KEY, **extra: Any) -> Drawing:
    fields = {
        "canvas": (400, 300), "label": "cat", "guesses": [Guess("cat", 0.8)], "timeline": [[40, "cat", 0.8]],
        "model_version": "v-test", "public": False,
    } | extra
    return services.drawing_save(strokes=strokes, source=source, client_key=key, **fields)


def test_the_protocol_key_fits_the_column() -> None:
    assert KEY_MAX_CHARS == Drawing.CLIENT_KEY_MAX_LENGTH


@pytest.mark.parametrize("key", [None, ""])
def test_without_a_key_every_save_is_a_new_row(key: str | None) -> None:
    first, second = save(HALF, DISCONNECT, key=key), save(WHOLE, SUBMIT, key=key)
    assert first.pk != second.pk and Drawing.objects.count() == 2
    assert Drawing.objects.filter(client_key="").count() == 2


def test_submit_after_a_disconnect_save_updates_that_row() -> None:
    left = save(HALF, DISCONNECT, label=None, guesses=[Guess("dog", 0.6)])
    Drawing.objects.filter(pk=left.pk).update(excluded=True)  # a reviewer's flag survives the update
    submitted = save(WHOLE, SUBMIT, public=True)
    row = Drawing.objects.get()
    assert row.pk == left.pk == submitted.pk and row.created == left.created
    assert (row.source, row.label, row.public, row.client_key) == ("submit", "cat", True, KEY)
    assert (row.stroke_count, row.point_count, row.strokes) == (2, 5, WHOLE)
    assert (row.recognized, row.first_correct_ms, row.guesses) == (True, 40, [{"label": "cat", "score": 0.8}])
    assert row.excluded is True


@pytest.mark.parametrize(
    ("first", "then", "kept_source", "kept_strokes"),
    [
        (DISCONNECT, DISCONNECT, "disconnect", WHOLE),  # dropped twice: the latest state
        (SUBMIT, SUBMIT, "submit", WHOLE),  # a resubmission ('saved' was lost): still one row
        (SUBMIT, DISCONNECT, "submit", HALF),  # a late disconnect save never overwrites a submitted drawing
    ],
)
def test_later_saves_of_one_key(first: str, then: str, kept_source: str, kept_strokes: list) -> None:
    saved = save(HALF, first, public=True)
    again = save(WHOLE, then, public=then == SUBMIT)
    row = Drawing.objects.get()
    assert again.pk == saved.pk == row.pk
    assert (row.source, row.strokes, row.public) == (kept_source, kept_strokes, kept_source == "submit")


def test_different_keys_are_different_rows() -> None:
    save(HALF, DISCONNECT, key=KEY)
    save(WHOLE, SUBMIT, key=KEY[::-1])
    assert sorted(Drawing.objects.values_list("client_key", flat=True)) == sorted([KEY, KEY[::-1]])


def test_an_insert_that_loses_the_race_updates_the_winner(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another connection inserts the key between our lookup and our insert: IntegrityError, then update."""
    real_get = QuerySet.get
    rivals: list[Drawing] = []

    def get_after_a_rival_insert(queryset: QuerySet, *args: Any, **kwargs: Any) -> Any:
        if queryset.model is Drawing and not rivals:
            rivals.append(Drawing.objects.create(client_key=KEY, strokes=HALF, model_version="v-test",
                                                 stroke_count=1, point_count=2, source=DISCONNECT))
            raise Drawing.DoesNotExist  # what our lookup saw, just before the rival's insert
        return real_get(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", get_after_a_rival_insert)
    submitted = save(WHOLE, SUBMIT, public=True)
    monkeypatch.undo()
    row = Drawing.objects.get()
    assert rivals and row.pk == submitted.pk == rivals[0].pk
    assert (row.source, row.strokes, row.public) == ("submit", WHOLE, True)
