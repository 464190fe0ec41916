"""The staff stats page: access, figures from the database, filters, no strokes loaded, admin link."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recognizer import services
from recognizer.models import Drawing
from recognizer.stats import CategoryStats, ConfusionPair
from recognizer.timeline import Guess

pytestmark = pytest.mark.django_db

STATS = "/staff/stats/"
STROKES = [[[0, 40, 80], [0, 30, 0], [0, 100, 200]]]


def save(label: str | None, top: str, first_label_ms: int | None = None, version: str = "v1") -> Drawing:
    """A saved drawing meant as ``label`` whose final top-1 is ``top``; the label was top-1 at ``first_label_ms``."""
    timeline = [[50, "zzz", 0.3]]
    if first_label_ms is not None:
        timeline.append([first_label_ms, label, 0.6])
    if timeline[-1][1] != top:
        timeline.append([900, top, 0.7])
    return services.drawing_save(
        strokes=STROKES,
        canvas=(300, 300),
        label=label,
        guesses=[Guess(top, 0.7), Guess("zzz", 0.1)],
        timeline=timeline,
        model_version=version,
        source=Drawing.Source.SUBMIT,
    )


def set_day(drawing: Drawing, day: str) -> None:
    Drawing.objects.filter(pk=drawing.pk).update(created=datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))


@pytest.fixture
def saved() -> None:
    """cat: 3 of 4 recognized (first correct at 400, 800, 1200, and once at 2000 before it turned dog);
    dog: 0 of 2 (both ended cat); one unlabelled; one of another model version."""
    for ms in (400, 800, 1200):
        set_day(save("cat", "cat", ms), "2024-03-01")
    set_day(save("cat", "dog", 2000), "2024-03-03")
    set_day(save("dog", "cat"), "2024-03-03")
    set_day(save("dog", "cat"), "2024-03-03")
    set_day(save(None, "fish"), "2024-03-03")
    set_day(save("fish", "fish", 300, version="v2"), "2024-03-04")


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(User.objects.create_user("reviewer", password="pw-not-used", is_staff=True))
    return client


def test_url_name() -> None:
    assert reverse("recognizer:stats") == STATS


@pytest.mark.parametrize("is_staff", [None, False])
def test_staff_only(client: Client, is_staff: bool | None) -> None:
    if is_staff is not None:
        client.force_login(User.objects.create_user("someone", password="pw-not-used", is_staff=is_staff))
    response = client.get(STATS)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_figures(staff_client: Client, saved: None) -> None:
    response = staff_client.get(STATS)
    assert response.status_code == 200
    context = response.context
    assert context["per_category"] == [
        CategoryStats("dog", 2, 0, None),
        CategoryStats("cat", 4, 3, 1000.0),  # median of 400, 800, 1200, 2000
        CategoryStats("fish", 1, 1, 300.0),
    ]
    assert context["confusions"] == [ConfusionPair("dog", "cat", 2, 1.0), ConfusionPair("cat", "dog", 1, 0.25)]
    assert (context["saved"], context["labelled"], context["recognized"]) == (8, 7, 4)
    page = response.content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" width=') == 2  # the two charts, inline
    assert "1000 ms" in page and "<td>dog</td><td>cat</td>" in page
    assert "&lt;svg" not in page  # not escaped by the template


def test_days_filled_in(staff_client: Client, saved: None) -> None:
    daily = staff_client.get(STATS).context["daily_chart"]
    titles = [part.split("</title>")[0] for part in daily.split("<title>")[2:]]
    assert titles == ["2024-03-01: 3", "2024-03-02: 0", "2024-03-03: 4", "2024-03-04: 1"]


@pytest.mark.parametrize(
    ("query", "labels", "saved_count"),
    [
        ({"model_version": "v2"}, ["fish"], 1),
        ({"model_version": "v1", "since": "2024-03-02"}, ["dog", "cat"], 4),
        ({"until": "2024-03-01"}, ["cat"], 3),
        ({"since": "2024-03-03", "until": "2024-03-03"}, ["dog", "cat"], 4),
        ({"since": "2025-01-01"}, [], 0),
    ],
)
def test_filters(staff_client: Client, saved: None, query: dict, labels: list[str], saved_count: int) -> None:
    context = staff_client.get(STATS, query).context
    assert [row.label for row in context["per_category"]] == labels
    assert context["saved"] == saved_count


@pytest.mark.parametrize(
    "query",
    [{"since": "2024-13-01"}, {"since": "2024-03-04", "until": "2024-03-01"}, {"model_version": "no-such"}],
)
def test_bad_filters_are_reported_and_ignored(staff_client: Client, saved: None, query: dict) -> None:
    response = staff_client.get(STATS, query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert b'id="filter-ignored"' in response.content
    assert response.context["saved"] == 8


def test_empty_database(staff_client: Client) -> None:
    response = staff_client.get(STATS)
    assert response.status_code == 200
    assert response.context["per_category"] == [] and response.context["overall_rate"] is None
    assert response.content.count(b"no data") == 2


def test_strokes_are_never_read(staff_client: Client, saved: None) -> None:
    """Figures come from grouped columns and streamed numbers: no query reads strokes or timelines."""
    with CaptureQueriesContext(connection) as queries:
        assert staff_client.get(STATS).status_code == 200
    reads = [query["sql"] for query in queries.captured_queries if "recognizer_drawing" in query["sql"]]
    assert len(reads) >= 5  # versions, per-label counts, times, confusions, per day (+ total)
    assert not [sql for sql in reads if '"strokes"' in sql or '"timeline"' in sql]


def test_admin_index_links_the_page(staff_client: Client) -> None:
    User.objects.filter(username="reviewer").update(is_superuser=True)
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    assert f'href="{STATS}"'.encode() in response.content
    assert b"Drawings" in response.content  # the app list is still there
