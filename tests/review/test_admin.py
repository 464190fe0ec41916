"""Admin review of drawings: filters, bulk actions (relabel, exclude), their admin log entries, staff only,
and the replay panel on the drawing page."""

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.test import Client

from recognizer.models import Drawing

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/recognizer/drawing/"
OLD_DAY = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("staff", "staff@example.com", "pw-not-used"))
    return client


@pytest.fixture
def viewer(client: Client) -> Client:
    """Staff who may only view drawings."""
    user = User.objects.create_user("viewer", password="pw-not-used", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_drawing"))
    client.force_login(user)
    return client


@pytest.fixture
def sample(make_drawing: Callable[..., Drawing]) -> dict[str, Drawing]:
    return {
        "hit": make_drawing(label="cat", top="cat", public=True),
        "miss": make_drawing(label="dog", top="cat", model_version="v-old", excluded=True),
        "unlabelled": make_drawing(label=None, top="cat", source=Drawing.Source.DISCONNECT, created=OLD_DAY),
        "game": make_drawing(label="owl", top="owl", source=Drawing.Source.GAME),
    }


def listed(client: Client, query: str = "") -> set[int]:
    response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    return {drawing.pk for drawing in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("?label=cat", {"hit"}),
        ("?recognized__exact=1", {"hit", "game"}),
        ("?recognized__exact=0", {"miss"}),
        ("?recognized__isnull=True", {"unlabelled"}),
        ("?model_version=v-old", {"miss"}),
        ("?mode=single", {"hit", "miss", "unlabelled"}),
        ("?mode=game", {"game"}),
        ("?source__exact=disconnect", {"unlabelled"}),
        ("?excluded__exact=1", {"miss"}),
        ("?excluded__exact=0", {"hit", "unlabelled", "game"}),
        ("?public__exact=1", {"hit"}),
        ("?created__year=2024&created__month=3", {"unlabelled"}),  # date hierarchy
        # the date filter's own links carry aware datetimes ("2024-03-05 00:00:00+00:00")
        (
            "?created__gte=2024-03-05+00%3A00%3A00%2B00%3A00&created__lt=2024-03-06+00%3A00%3A00%2B00%3A00",
            {"unlabelled"},
        ),
    ],
)
def test_filters(staff: Client, sample: dict[str, Drawing], query: str, names: set[str]) -> None:
    assert listed(staff, query) == {sample[name].pk for name in names}


def test_filter_choices_are_shown(staff: Client, sample: dict[str, Drawing]) -> None:
    content = staff.get(CHANGELIST).content.decode()
    for text in ["game or single-player", "single-player", "game round", "excluded", "public", "Unknown", "v-old"]:
        assert text in content


def post_action(client: Client, action: str, drawings: list[Drawing], **extra: str):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(d.pk) for d in drawings], **extra}
    return client.post(CHANGELIST, data)


def change_messages(drawing: Drawing) -> list[str]:
    entries = LogEntry.objects.filter(object_id=str(drawing.pk), action_flag=CHANGE).order_by("id")
    return [entry.change_message for entry in entries]


def test_exclude_and_include_log_each_changed_drawing(staff: Client, sample: dict[str, Drawing]) -> None:
    hit, miss = sample["hit"], sample["miss"]  # miss is excluded already
    response = post_action(staff, "exclude_from_training", [hit, miss])
    assert response.status_code == 302
    hit.refresh_from_db()
    miss.refresh_from_db()
    assert (hit.excluded, miss.excluded) == (True, True)
    assert change_messages(hit) == ["Marked “exclude from training” (bulk action)."]
    assert change_messages(miss) == []  # nothing changed, nothing logged

    post_action(staff, "include_in_training", [hit, miss])
    hit.refresh_from_db()
    miss.refresh_from_db()
    assert (hit.excluded, miss.excluded) == (False, False)
    assert change_messages(miss) == ["Unmarked “exclude from training” (bulk action)."]
    assert LogEntry.objects.filter(action_flag=CHANGE).count() == 3
    assert {entry.user.username for entry in LogEntry.objects.all()} == {"staff"}


def test_relabel_asks_the_new_label_first(staff: Client, sample: dict[str, Drawing], fake_classifier) -> None:
    response = post_action(staff, "relabel", [sample["hit"], sample["miss"]])
    assert response.status_code == 200
    assert response.templates[0].name == "admin/recognizer/drawing/relabel.html"
    content = response.content.decode()
    assert "Relabel 2 selected drawings" in content
    assert [choice for choice, _ in response.context["form"].fields["label"].choices] == ["", *fake_classifier.labels]
    assert re.search(r'name="apply"', content) and f'value="{sample["hit"].pk}"' in content
    assert change_messages(sample["hit"]) == []


def test_relabel_refuses_a_label_the_model_does_not_know(
    staff: Client, sample: dict[str, Drawing], fake_classifier
) -> None:
    response = post_action(staff, "relabel", [sample["hit"]], apply="1", label="unicorn")
    assert response.status_code == 200
    assert "“unicorn” is not one of the model&#x27;s categories" in response.content.decode()
    sample["hit"].refresh_from_db()
    assert sample["hit"].label == "cat"


def test_relabel_recomputes_outcome_and_logs(staff: Client, make_drawing, fake_classifier) -> None:
    # the model's final top-1 was "sparse", first reached at 700 ms; the person had said "cat"
    drawing = make_drawing(label="cat", top="sparse", timeline=[[100, "dense", 0.5], [700, "sparse", 0.9]])
    same = make_drawing(label="sparse", top="sparse")
    response = post_action(staff, "relabel", [drawing, same], apply="1", label="sparse")
    assert response.status_code == 302
    drawing.refresh_from_db()
    assert (drawing.label, drawing.recognized, drawing.first_correct_ms) == ("sparse", True, 700)
    assert change_messages(drawing) == ["Relabelled “cat” → “sparse” (bulk action)."]
    assert change_messages(same) == []
    messages = [str(message) for message in staff.get(CHANGELIST).context["messages"]]
    assert messages == ["Relabelled 1 of 2 selected drawings as “sparse”."]


def test_relabel_across_a_filtered_selection(staff: Client, sample: dict[str, Drawing], fake_classifier) -> None:
    """Select all on a filtered list relabels every drawing the filter matches, not only the page's."""
    data = {
        "action": "relabel",
        ACTION_CHECKBOX_NAME: [str(sample["miss"].pk)],
        "select_across": "1",
        "apply": "1",
        "label": "dense",
    }
    staff.post(CHANGELIST + "?mode=single", data)
    labels = {name: Drawing.objects.get(pk=drawing.pk).label for name, drawing in sample.items()}
    assert labels == {"hit": "dense", "miss": "dense", "unlabelled": "dense", "game": "owl"}


def test_delete_action_is_available_to_staff(staff: Client, sample: dict[str, Drawing]) -> None:
    response = post_action(staff, "delete_selected", [sample["game"]], post="yes")
    assert response.status_code == 302
    assert not Drawing.objects.filter(pk=sample["game"].pk).exists()


def test_view_only_staff_get_no_actions(viewer: Client, sample: dict[str, Drawing]) -> None:
    response = viewer.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["action_form"] is None  # no action it may run
    post_action(viewer, "exclude_from_training", [sample["hit"]])
    sample["hit"].refresh_from_db()
    assert sample["hit"].excluded is False
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "not staff"])
def test_admin_is_staff_only(client: Client, sample: dict[str, Drawing], who: str) -> None:
    if who == "not staff":
        client.force_login(User.objects.create_user("visitor", password="pw-not-used"))
    for path in [CHANGELIST, f"{CHANGELIST}{sample['hit'].pk}/change/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = post_action(client, "exclude_from_training", [sample["hit"]])
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    sample["hit"].refresh_from_db()
    assert sample["hit"].excluded is False


def test_change_page_has_the_replay_panel(staff: Client, sample: dict[str, Drawing]) -> None:
    hit = sample["hit"]
    response = staff.get(f"{CHANGELIST}{hit.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    data = re.search(r'<script id="replay-data" type="application/json">(.*?)</script>', content).group(1)
    assert json.loads(data) == {"id": hit.pk, "strokes": hit.strokes, "timeline": hit.timeline, "canvas": [400, 300]}
    assert 'src="/static/js/replay-panel.js"' in content and 'href="/static/css/replay.css"' in content
    rows = re.findall(r'<li data-index="(\d+)" data-t="(\d+)">', content)
    assert rows == [("0", "100"), ("1", "900")]
    assert "80.0%" in content  # the score of the timeline's second entry
    for speed in ['value="1"', 'value="2"', 'value="4"', 'value="instant"']:
        assert speed in content
