"""/ws/draw/ protocol additions over a real websocket stack: gallery opt-in on submit and the drawing key
that makes a save after a reconnect update the disconnect save instead of duplicating it."""

import pytest

from recognizer.models import Drawing
from tests.web.test_consumer import LINE, SCRIBBLE, points, send

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fake_classifier")]

KEY = "0123456789abcdef0123456789abcdef"
OTHER_KEY = "fedcba9876543210fedcba9876543210"


def keyed(seq: int, stroke: int, pts: list, key: str | None = KEY) -> dict:
    return points(seq, stroke, pts) | {"key": key}


async def drop_mid_drawing(draw_socket, key: str | None) -> None:
    """A connection that draws one stroke (with ``key``) and drops: the server saves it as 'disconnect'."""
    async with draw_socket() as ws:
        await send(ws, {"type": "hello", "seq": 0, "prompt": "dense", "canvas": [300, 200]})
        assert (await send(ws, keyed(1, 0, LINE, key)))["type"] == "guesses"


async def resume_and_submit(draw_socket, key: str | None, **submit: object) -> dict:
    """The page's reconnect: hello, the whole drawing replayed (key on stroke 0), one more stroke, submit."""
    async with draw_socket() as ws:
        await send(ws, {"type": "hello", "seq": 0, "prompt": "dense", "canvas": [300, 200]})
        await send(ws, keyed(1, 0, LINE, key))
        await send(ws, points(2, 1, SCRIBBLE))
        saved = await send(ws, {"type": "submit", "seq": 3, "key": key} | submit)
    assert saved["type"] == "saved"
    return saved


@pytest.mark.parametrize("public", [True, False, None])
async def test_submit_saves_the_gallery_opt_in(draw_socket, public: bool | None) -> None:
    submit = {"type": "submit", "seq": 1} | ({} if public is None else {"public": public})
    async with draw_socket() as ws:
        await send(ws, points(0, 0, LINE))
        saved = await send(ws, submit)
    drawing = await Drawing.objects.aget(pk=saved["drawing"])
    assert drawing.public is bool(public)  # absent: not public


async def test_disconnect_saves_are_never_public(draw_socket) -> None:
    async with draw_socket() as ws:
        await send(ws, points(0, 0, LINE))
        await send(ws, {"type": "submit", "seq": 1, "public": True})
        await send(ws, points(2, 0, SCRIBBLE))  # the next drawing: left, not submitted
    assert [d.public async for d in Drawing.objects.order_by("id")] == [True, False]


async def test_the_submit_after_a_reconnect_updates_the_disconnect_row(draw_socket) -> None:
    await drop_mid_drawing(draw_socket, KEY)
    left = await Drawing.objects.aget()
    assert (left.source, left.client_key, left.stroke_count, left.public) == ("disconnect", KEY, 1, False)
    saved = await resume_and_submit(draw_socket, KEY, public=True, label="sparse")
    row = await Drawing.objects.aget()  # exactly one row
    assert row.pk == left.pk == saved["drawing"] and row.created == left.created
    assert (row.source, row.label, row.public, row.client_key) == ("submit", "sparse", True, KEY)
    assert (row.stroke_count, row.point_count) == (2, len(LINE) + len(SCRIBBLE))
    assert row.guesses == saved["guesses"] and row.recognized is (saved["guesses"][0]["label"] == "sparse")
    assert row.timeline and row.timeline[-1][0] == SCRIBBLE[-1][2]  # the resumed drawing's timeline


async def test_the_key_may_come_with_submit_alone(draw_socket) -> None:
    await drop_mid_drawing(draw_socket, KEY)
    async with draw_socket() as ws:
        await send(ws, points(0, 0, LINE))  # a client that names the drawing only when submitting
        saved = await send(ws, {"type": "submit", "seq": 1, "key": KEY})
    assert await Drawing.objects.acount() == 1 and (await Drawing.objects.aget()).pk == saved["drawing"]


async def test_different_keys_make_different_rows(draw_socket) -> None:
    await drop_mid_drawing(draw_socket, KEY)
    await resume_and_submit(draw_socket, OTHER_KEY)
    rows = [(d.client_key, d.source) async for d in Drawing.objects.order_by("id")]
    assert rows == [(KEY, "disconnect"), (OTHER_KEY, "submit")]


async def test_without_a_key_a_reconnect_still_saves_two_rows(draw_socket) -> None:
    await drop_mid_drawing(draw_socket, None)
    await resume_and_submit(draw_socket, None)
    rows = [(d.client_key, d.source) async for d in Drawing.objects.order_by("id")]
    assert rows == [("", "disconnect"), ("", "submit")]


async def test_each_drawing_of_a_connection_has_its_own_key(draw_socket) -> None:
    async with draw_socket() as ws:
        await send(ws, keyed(0, 0, LINE, KEY))
        first = await send(ws, {"type": "submit", "seq": 1})  # the key came with the drawing's points
        await send(ws, keyed(2, 0, LINE, OTHER_KEY))
        assert (await send(ws, {"type": "clear", "seq": 3}))["guesses"] == []
        await send(ws, keyed(4, 0, SCRIBBLE, KEY[::-1]))  # after clear: a new drawing, a new key
        await send(ws, {"type": "undo", "seq": 5})
        await send(ws, keyed(6, 0, LINE, KEY.upper()))  # after undoing everything: a new drawing too
        second = await send(ws, {"type": "submit", "seq": 7, "key": KEY.upper()})
    rows = {d.pk: d.client_key async for d in Drawing.objects.all()}
    assert rows == {first["drawing"]: KEY, second["drawing"]: KEY.upper()}


@pytest.mark.parametrize(
    "message",
    [
        keyed(2, 0, [[130, 20, 90]], OTHER_KEY),  # another key for the drawing in progress
        {"type": "submit", "seq": 2, "key": OTHER_KEY},
        keyed(2, 0, [[130, 20, 90]], "short"),
        keyed(2, 0, [[130, 20, 90]], "../../etc/passwd-0123456789"),
        {"type": "submit", "seq": 2, "key": 42},
    ],
)
async def test_bad_key_is_refused_and_changes_nothing(draw_socket, message: dict) -> None:
    async with draw_socket() as ws:
        await send(ws, keyed(1, 0, LINE))
        error = await send(ws, message)
        assert (error["type"], error["code"], error["seq"]) == ("error", "bad_key", 2) and error["detail"]
        reply = await send(ws, points(3, 0, [[130, 20, 90]]))  # seq 2 was not used up; stroke 0 still current
        assert (reply["type"], reply["seq"]) == ("guesses", 3)
        saved = await send(ws, {"type": "submit", "seq": 4})
    drawing = await Drawing.objects.aget()
    assert (drawing.pk, drawing.client_key, drawing.point_count) == (saved["drawing"], KEY, len(LINE) + 1)


@pytest.mark.parametrize("public", ["yes", 1, None, {}])
async def test_bad_public_is_refused_and_changes_nothing(draw_socket, public: object) -> None:
    async with draw_socket() as ws:
        await send(ws, points(0, 0, LINE))
        error = await send(ws, {"type": "submit", "seq": 1, "public": public})
        assert (error["type"], error["code"], error["seq"]) == ("error", "bad_public", 1)
        saved = await send(ws, {"type": "submit", "seq": 2, "public": True})
    assert (await Drawing.objects.aget()).pk == saved["drawing"]


async def test_a_late_disconnect_save_does_not_overwrite_the_submit(draw_socket) -> None:
    """The old connection's disconnect save lands after the new connection's submit of the same drawing."""
    async with draw_socket() as old:
        await send(old, keyed(0, 0, LINE))
        saved = await resume_and_submit(draw_socket, KEY, public=True)
    row = await Drawing.objects.aget()
    assert (row.pk, row.source, row.public, row.stroke_count) == (saved["drawing"], "submit", True, 2)


async def test_saved_reply_for_a_resubmission_names_the_same_drawing(draw_socket) -> None:
    """The page resubmits a drawing whose 'saved' it never got (the socket dropped first): same row."""
    first = await resume_and_submit(draw_socket, KEY)
    again = await resume_and_submit(draw_socket, KEY)
    assert first["drawing"] == again["drawing"] and await Drawing.objects.acount() == 1
