"""Pulling: the fast forms of a page (plain dicts, the next page fetched ahead) give exactly what the models give."""

from __future__ import annotations

import uuid

import pytest

from sync import wire
from tests.sync.conftest import World, change


def test_pull_dicts_prefetching_equals_page_by_page_models(world: World, clock) -> None:
    name, client = world.new_user("pager")
    workspace = world.personal(name)
    for _ in range(3):
        client.push(workspace, [change(str(uuid.uuid4()), {"n": {"v": n, "t": clock.now()}, "text": {"v": "ü", "t": clock.now()}})
                                for n in range(25)])
    by_model = [page.model_dump() for page in client.pull(workspace, limit=10)]
    by_dict = list(client.pull_dicts(workspace, limit=10))
    assert [len(page["records"]) for page in by_dict] == [10] * 7 + [5]
    assert by_dict == by_model
    cursors = []
    since = 0
    while True:
        page = client.pull_page(workspace, since=since, limit=10)
        cursors.append(page.next_since)
        since = page.next_since
        if not page.has_more:
            break
    assert [page["next_since"] for page in by_dict] == cursors
    assert client.pull_page_dicts(workspace, since=cursors[-2], limit=10) == by_dict[-1]
    # The cursor is repeated in headers, which is what lets the client ask for the next page early.
    response = client.request("GET", f"/workspaces/{workspace}/changes", params={"since": 0, "limit": 10})
    assert response.headers[wire.NEXT_SINCE_HEADER] == str(cursors[0]) and response.headers[wire.HAS_MORE_HEADER] == "1"


def test_stopping_half_way_through_a_pull_is_harmless(world: World, clock) -> None:
    name, client = world.new_user("stopper")
    workspace = world.personal(name)
    client.push(workspace, [change(str(uuid.uuid4()), {"n": {"v": n, "t": clock.now()}}) for n in range(30)])
    for page in client.pull_dicts(workspace, limit=10):
        assert len(page["records"]) == 10
        break
    assert sum(len(page.records) for page in client.pull(workspace, limit=10)) == 30


def test_a_page_that_is_not_a_page_of_records_is_refused_with_a_reason() -> None:
    from sync.client import MalformedAnswer, _page_dicts
    from sync.engine import SyncEngine

    good = b'{"records":[{"id":"a","type":"t","fields":{"n":{"v":1,"t":"x"}}}],"next_since":3,"has_more":false}'
    assert _page_dicts(good, "team")["records"][0]["fields"]["n"]["v"] == 1
    for body, reason in [
        (b"<html>Sign in to the hotel Wi-Fi</html>", "not valid JSON"),
        (b'{"records":[],"next_since":NaN,"has_more":false}', "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b'{"records":{},"next_since":3,"has_more":false}', "not a page of records"),
        (b'{"records":[],"next_since":true,"has_more":false}', "not a page of records"),
        (b'{"records":[["a"]],"next_since":3,"has_more":false}', "not a record"),
        (b'{"records":[{"id":1,"type":"t","fields":{}}],"next_since":3,"has_more":false}', "not a record"),
    ]:
        with pytest.raises(MalformedAnswer, match=reason) as refused:
            _page_dicts(body, "team")
        # The user reads "the server had a problem", not "sign in to the Wi-Fi".
        assert SyncEngine._protocol_code(refused.value) == "server-error"


def test_pages_are_read_exactly_as_the_standard_library_reads_them() -> None:
    """orjson parses pages; what it refuses but JSON allows goes to the standard library."""
    import json

    from hypothesis import given, settings, strategies as st

    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    )

    @settings(max_examples=300, deadline=None)
    @given(values)
    def same(value: object) -> None:
        text = json.dumps(value, ensure_ascii=False)
        assert wire.json_loads(text.encode("utf-8", "surrogatepass")) == json.loads(text)

    same()
    # Where orjson and JSON differ: integers past 64 bits, a lone surrogate, nesting, a byte-order mark.
    for number in (2**63, -(2**63) - 1, 2**64, 10**30, -(10**40)):  # orjson would give floats
        assert wire.json_loads(f'{{"n": {number}}}'.encode()) == {"n": number}
        assert type(wire.json_loads(f"[{number}]".encode())[0]) is int
    assert wire.json_loads(b'["\\ud800"]') == ["\ud800"]
    with pytest.raises((ValueError, RecursionError)):
        wire.json_loads(b"[" * 2000 + b"]" * 2000)
    assert wire.json_loads(b"\xef\xbb\xbf[1]") == [1]
    for constant in (b"NaN", b"Infinity", b"-Infinity"):
        with pytest.raises(ValueError, match="not JSON"):
            wire.json_loads(b"[" + constant + b"]")
