"""Django admin review of saved drawings."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from recognizer import services
from recognizer.models import Drawing
from recognizer.timeline import Guess

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/recognizer/drawing/"


@pytest.fixture
def drawings() -> list[Drawing]:
    cat = services.drawing_save(
        strokes=[[[0, 50, 100], [0, 80, 0], [0, 40, 90]], [[10, 90], [60, 60], [300, 350]]],
        canvas=(400, 300),
        label="cat",
        guesses=[Guess("cat", 0.8), Guess("dog", 0.15)],
        timeline=[[40, "dog", 0.5], [350, "cat", 0.8]],
        model_version="v-test",
        source=Drawing.Source.SUBMIT,
    )
    dog = services.drawing_save(
        strokes=[[[5, 6], [7, 8], [0, 10]]],
        canvas=None,
        label=None,
        guesses=[Guess("fish", 0.9)],
        timeline=[[10, "fish", 0.9]],
        model_version="v-test",
        source=Drawing.Source.DISCONNECT,
    )
    return [cat, dog]


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("staff", "staff@example.com", "pw-not-used"))
    return client


def test_drawing_save_derives_counts_and_outcomes(drawings: list[Drawing]) -> None:
    cat, dog = drawings
    assert (cat.stroke_count, cat.point_count, cat.recognized, cat.first_correct_ms) == (2, 5, True, 350)
    assert (cat.canvas_width, cat.canvas_height, cat.guesses[0]) == (400, 300, {"label": "cat", "score": 0.8})
    assert (dog.label, dog.recognized, dog.first_correct_ms, dog.canvas_width) == ("", None, None, None)


def test_changelist_shows_thumbnails(staff_client: Client, drawings: list[Drawing]) -> None:
    response = staff_client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.content.count(b'<svg xmlns="http://www.w3.org/2000/svg" width="64"') == len(drawings)
    assert b"<polyline" in response.content


@pytest.mark.parametrize(
    ("query", "expected_labels"),
    [
        ("?label=cat", ["cat"]),
        ("?recognized__isnull=True", [""]),
        ("?model_version=v-test", ["", "cat"]),
        ("?source__exact=disconnect", [""]),
        ("?q=cat", ["cat"]),
    ],
)
def test_changelist_filters_and_search(staff_client: Client, drawings: list[Drawing], query: str, expected_labels: list[str]) -> None:
    response = staff_client.get(CHANGELIST + query)
    assert response.status_code == 200
    assert sorted(d.label for d in response.context["cl"].result_list) == expected_labels


def test_search_by_id(staff_client: Client, drawings: list[Drawing]) -> None:
    dog = drawings[1]
    response = staff_client.get(CHANGELIST, {"q": f"#{dog.pk}"})
    assert list(response.context["cl"].result_list) == [dog]


def test_detail_is_read_only_with_picture_guesses_and_timeline(staff_client: Client, drawings: list[Drawing]) -> None:
    cat = drawings[0]
    response = staff_client.get(f"{CHANGELIST}{cat.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'width="320"' in content  # the large picture
    assert "80.0%" in content and "dog" in content and "350 ms" in content
    assert 'name="strokes"' not in content  # no editable field
    assert staff_client.get(f"{CHANGELIST}add/").status_code == 403


def test_anonymous_is_sent_to_login(client: Client, drawings: list[Drawing]) -> None:
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
