"""HTTP pages and the health check."""

import json
from pathlib import Path

import pytest
from django.test import Client

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
    (tmp_path / "metrics.json").write_text(json.dumps({"version": FAKE_VERSION, "per_class": {"dense": {"recall": 0.75}}}))
    settings.RECOGNIZER_MODEL_DIR = tmp_path
    response = client.get("/categories/")
    assert response.status_code == 200
    categories = response.context["categories"]
    assert [c.label for c in categories] == list(FAKE_LABELS)
    assert [c.index for c in categories] == [0, 1, 2]
    assert categories[1].figures == {"recall": 0.75} and categories[0].figures == {}
    assert b"recall" in response.content


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
