"""HTTP pages and the health check."""

import json
from pathlib import Path

import pytest
from django.test import Client

from recognizer import selectors
from tests.web.fakes import FAKE_LABELS, FAKE_VERSION


@pytest.mark.usefixtures("fake_classifier")
def test_index_renders_with_the_model_context(client: Client, settings) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "recognizer/index.html"
    context = response.context
    assert context["categories"] == list(FAKE_LABELS)
    assert (context["model_version"], context["ws_path"], context["top_k"]) == (FAKE_VERSION, "/ws/draw/", settings.RECOGNIZER_TOP_K)


@pytest.mark.usefixtures("fake_classifier")
def test_categories_carry_per_class_figures_from_metrics(client: Client, settings, tmp_path: Path) -> None:
    dense = {"n": 12, "top1": 0.75, "top3": 0.9}
    metrics = {"version": FAKE_VERSION, "held_out": {"bitmaps": {"top1": 0.8, "per_class": {"dense": dense}}, "raw": {"top1": 0.7}}}
    (tmp_path / "metrics.json").write_text(json.dumps(metrics))
    settings.RECOGNIZER_MODEL_DIR = tmp_path
    response = client.get("/categories/")
    assert response.status_code == 200
    categories = response.context["categories"]
    assert [c.label for c in categories] == list(FAKE_LABELS)
    assert [c.index for c in categories] == [0, 1, 2]
    assert categories[1].figures == {"bitmaps": dense} and categories[0].figures == {}


@pytest.mark.usefixtures("fake_classifier")
def test_categories_without_metrics(client: Client, settings, tmp_path: Path) -> None:
    settings.RECOGNIZER_MODEL_DIR = tmp_path
    assert all(c.figures == {} for c in client.get("/categories/").context["categories"])


@pytest.mark.usefixtures("fake_classifier")
def test_healthz_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "model_version": FAKE_VERSION}


def test_healthz_reports_a_missing_model(client: Client, settings, tmp_path: Path) -> None:
    settings.RECOGNIZER_MODEL_DIR = tmp_path / "absent"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["ok"] is False and response.json()["detail"]


@pytest.mark.usefixtures("fake_classifier")
def test_pages_refuse_post(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize(
    ("metrics", "expected"),
    [
        ({}, {}),
        ({"held_out": "n/a"}, {}),
        ({"held_out": {"raw": {"top1": 0.7}}}, {}),
        (
            {"held_out": {"bitmaps": {"per_class": {"cat": {"top1": 0.9}}}, "raw": {"per_class": {"cat": {"top1": 0.8}, "dog": {"top1": 0.6}}}}},
            {"cat": {"bitmaps": {"top1": 0.9}, "raw": {"top1": 0.8}}, "dog": {"raw": {"top1": 0.6}}},
        ),
    ],
)
def test_per_class_figures(metrics: dict, expected: dict) -> None:
    assert selectors.per_class_figures(metrics) == expected
