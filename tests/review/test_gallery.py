"""The public gallery: which drawings it shows, per category, how many, and the data it hands replay.js."""

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from recognizer.models import Drawing

pytestmark = pytest.mark.django_db

GALLERY = "/gallery/"
START = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def shared(make_drawing: Callable[..., Drawing], fake_classifier) -> Callable[..., Drawing]:
    """``shared(label, minutes)``: a public, recognized drawing of ``label`` made ``minutes`` after START."""

    def make(label: str, minutes: int, **fields) -> Drawing:
        fields = {"public": True, "created": START + timedelta(minutes=minutes), **fields}
        return make_drawing(label=label, top=fields.pop("top", label), **fields)

    return make


def shown(response) -> list[int]:
    """Drawing ids of the cards, in page order (the JSON for replay.js must hold exactly those drawings)."""
    cards = [int(pk) for pk in re.findall(r'<li class="gallery-card" data-drawing="(\d+)"', response.content.decode())]
    data = json.loads(
        re.search(r'<script id="gallery-data" type="application/json">(.*?)</script>', response.content.decode()).group(
            1
        )
    )
    assert sorted(item["id"] for item in data) == sorted(cards)
    return cards


def test_only_public_recognized_and_not_excluded(client: Client, shared) -> None:
    visible = shared("sparse", 1)
    shared("sparse", 2, public=False)
    shared("sparse", 3, top="dense")  # not recognized
    shared("sparse", 4, excluded=True)
    make_unlabelled = shared("sparse", 5)
    Drawing.objects.filter(pk=make_unlabelled.pk).update(label="", recognized=None)
    for query in ["", "?category=sparse"]:
        assert shown(client.get(GALLERY + query)) == [visible.pk]


def test_recent_overview_groups_newest_first(client: Client, shared) -> None:
    cat_old, dog, cat_new = shared("sparse", 1), shared("dense", 2), shared("sparse", 3)
    response = client.get(GALLERY)
    assert response.status_code == 200
    groups = [(label, [card["id"] for card in cards]) for label, cards in response.context["groups"]]
    assert groups == [("sparse", [cat_new.pk, cat_old.pk]), ("dense", [dog.pk])]
    assert shown(response) == [cat_new.pk, cat_old.pk, dog.pk]
    assert f'href="{GALLERY}?category=dense"' in response.content.decode()


@pytest.mark.parametrize(("limit", "expected"), [(1, ["s3"]), (2, ["s3", "s2"]), (10, ["s3", "s2", "s1"])])
def test_per_category_newest_first_up_to_the_setting(
    client: Client, shared, settings, limit: int, expected: list[str]
) -> None:
    settings.RECOGNIZER_GALLERY_PER_CATEGORY = limit
    made = {"s1": shared("sparse", 1), "d1": shared("dense", 2), "s2": shared("sparse", 3), "s3": shared("sparse", 4)}
    response = client.get(GALLERY, {"category": "sparse"})
    assert shown(response) == [made[name].pk for name in expected]
    assert response.context["category"] == "sparse"


def test_recent_overview_is_limited_too(client: Client, shared, settings) -> None:
    settings.RECOGNIZER_GALLERY_PER_CATEGORY = 2
    drawings = [shared(label, minutes) for minutes, label in enumerate(["sparse", "dense", "middle", "sparse"])]
    assert shown(client.get(GALLERY)) == [drawings[3].pk, drawings[2].pk]


def test_one_query_whatever_the_number_of_drawings(client: Client, shared, django_assert_num_queries) -> None:
    for minutes in range(30):
        shared("sparse", minutes)
    with django_assert_num_queries(1):
        client.get(GALLERY, {"category": "sparse"})


def test_replay_data_and_caption(client: Client, shared) -> None:
    drawing = shared("sparse", 1)
    response = client.get(GALLERY)
    content = response.content.decode()
    data = json.loads(re.search(r'id="gallery-data" type="application/json">(.*?)</script>', content).group(1))
    assert data == [{"id": drawing.pk, "strokes": drawing.strokes, "timeline": drawing.timeline, "canvas": [400, 300]}]
    # conftest's timeline never reaches "sparse", so the drawing has no first-correct time: no "guessed after"
    assert "guessed after" not in content
    Drawing.objects.filter(pk=drawing.pk).update(first_correct_ms=2345)
    assert "guessed after 2.3 s" in client.get(GALLERY).content.decode()
    assert 'src="/static/js/gallery.js"' in content and 'href="/static/css/gallery.css"' in content


def test_empty_category_invites_drawing(client: Client, shared) -> None:
    response = client.get(GALLERY, {"category": "middle"})
    assert response.status_code == 200
    assert "No shared drawings of middle yet." in response.content.decode()
    assert "/?prompt=middle" in response.content.decode()


def test_unknown_category_is_404_with_the_category_list(client: Client, shared) -> None:
    shared("sparse", 1)
    response = client.get(GALLERY, {"category": "unicorn"})
    assert response.status_code == 404
    content = response.content.decode()
    assert "There is no category “unicorn”" in content and "?category=sparse" in content
    assert shown(response) == []


def test_nav_links_the_gallery(client: Client, fake_classifier) -> None:
    content = client.get("/categories/").content.decode()
    assert f'<a href="{GALLERY}">Gallery</a>' in content
    assert f'<a href="{GALLERY}" aria-current="page">Gallery</a>' in client.get(GALLERY).content.decode()


def test_only_get_and_head(client: Client, fake_classifier) -> None:
    assert client.post(GALLERY).status_code == 405
