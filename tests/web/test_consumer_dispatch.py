"""/ws/draw/ frames skip channels' per-message close_old_connections (a thread round trip per frame)."""

import pytest

from tests.web.conftest import receive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fake_classifier")]

FRAMES = 3


async def test_frames_do_not_hop_to_the_sync_thread(draw_socket, monkeypatch: pytest.MonkeyPatch) -> None:
    hops: list[str] = []

    async def counted() -> None:
        hops.append("close_old_connections")

    monkeypatch.setattr("channels.consumer.aclose_old_connections", counted)
    async with draw_socket() as ws:
        for seq in range(FRAMES):
            await ws.send_json_to({"type": "points", "seq": seq, "stroke": 0, "points": [[seq, seq * 2, seq]]})
            assert (await receive(ws))["seq"] == seq
        assert hops == []  # channels' own dispatch would have hopped once per frame
