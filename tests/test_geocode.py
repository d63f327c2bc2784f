"""Geocoding against a real HTTP server on 127.0.0.1 that speaks the postcodes.io bulk protocol."""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from lib.data.loading import load_dataset
from lib.geo import geocode
from lib.ingest import pipeline

# Postcode -> (latitude, longitude, ITL3 code, district). Made-up answers in the service's shape.
KNOWN = {
    "LS2 9JT": (53.8067, -1.5550, "TLE42", "Leeds"),
    "G1 1XQ": (55.8609, -4.2514, "TLM82", "Glasgow City"),
    "SK10 4TG": (53.2800, -2.1500, "TLD62", "Cheshire East"),
}


class FakePostcodes(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.batches: list[list[str]] = []
        self.fail_statuses: list[int] = []  # answered to the next requests, in order
        self.delay_s = 0.0
        self.fail_when_asked_for: str | None = None  # a postcode whose batch always gets HTTP 500
        self.extra = {}  # more known postcodes

    def answer(self, postcode: str):
        compact = postcode.upper().replace(" ", "")
        for code, (lat, lon, itl, district) in {**KNOWN, **self.extra}.items():
            if code.replace(" ", "") == compact:
                return {
                    "postcode": code,
                    "latitude": lat,
                    "longitude": lon,
                    "admin_district": district,
                    "codes": {"admin_district": "E0000000", "nuts": itl},
                }
        return None


class Handler(BaseHTTPRequestHandler):
    server: FakePostcodes

    def log_message(self, *args):  # keep test output clean
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        postcodes = body["postcodes"]
        self.server.batches.append(postcodes)
        if self.path != "/postcodes":
            return self._send(404, {"status": 404, "error": "Resource not found"})
        if len(postcodes) > 100:
            return self._send(400, {"status": 400, "error": "No more than 100 postcodes per request"})
        if self.server.delay_s:
            time.sleep(self.server.delay_s)
        if self.server.fail_statuses:
            status = self.server.fail_statuses.pop(0)
            return self._send(status, {"status": status, "error": "try later"})
        if self.server.fail_when_asked_for in postcodes:
            return self._send(500, {"status": 500, "error": "boom"})
        self._send(200, {"status": 200, "result": [{"query": p, "result": self.server.answer(p)} for p in postcodes]})

    def _send(self, status: int, payload: dict):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up after its timeout
            pass


@contextmanager
def fake_service():
    server = FakePostcodes()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture()
def service():
    with fake_service() as running:
        yield running


def client_for(url, tmp_path, **kwargs) -> tuple[geocode.PostcodeClient, list[float]]:
    waits: list[float] = []
    client = geocode.PostcodeClient(url, cache_dir=tmp_path / "cache", allow_network=True, sleep=waits.append, **kwargs)
    return client, waits


def numbered_postcodes(count: int) -> list[str]:
    """Valid-looking postcodes the fake service does not know (answered with null)."""
    return [f"ZZ{i // 100 + 1} {i % 10}{chr(65 + i // 10 % 10)}{chr(65 + i % 26)}" for i in range(count)]


# ---------------------------------------------------------------- pure helpers


def test_postcodes_are_normalised_whatever_the_case_and_spacing():
    values = pd.Series([" ls29jt ", "Ls2  9JT", "sw1a1aa", "EC1A 1BB", "NOT A CODE", "", None])
    assert geocode.normalise_postcodes(values).tolist() == [
        "LS2 9JT",
        "LS2 9JT",
        "SW1A 1AA",
        "EC1A 1BB",
        pd.NA,
        pd.NA,
        pd.NA,
    ]


def test_itl1_from_current_and_old_codes():
    assert geocode.itl1_from_code(pd.Series(["TLD45", "UKJ14", "S99999999", None])).tolist() == [
        "TLD",
        "TLJ",
        pd.NA,
        pd.NA,
    ]


# ---------------------------------------------------------------- the bulk client


def test_bulk_lookup_sends_at_most_100_per_request(service, tmp_path):
    server, url = service
    wanted = [*KNOWN, *numbered_postcodes(247)]
    client, _ = client_for(url, tmp_path)
    report = client.lookup(wanted)
    assert [len(batch) for batch in server.batches] == [100, 100, 50]
    assert set(report.found) == set(KNOWN)
    assert report.found["LS2 9JT"]["latitude"] == 53.8067
    assert report.found["LS2 9JT"]["itl"] == "TLE42"
    assert len(report.not_found) == 247 and not report.failed


def test_a_second_lookup_is_answered_from_the_disk_cache(service, tmp_path):
    server, url = service
    first, _ = client_for(url, tmp_path)
    first.lookup([*KNOWN, "ZZ1 1AA"])
    server.batches.clear()
    second, _ = client_for(url, tmp_path)
    report = second.lookup([*KNOWN, "ZZ1 1AA"])
    assert server.batches == []  # no request at all
    assert report.cache_hits == 4 and set(report.found) == set(KNOWN) and report.not_found == {"ZZ1 1AA"}


def test_server_errors_are_retried_with_backoff(service, tmp_path):
    server, url = service
    server.fail_statuses = [503, 429]
    client, waits = client_for(url, tmp_path, retries=3, backoff=0.5)
    report = client.lookup(list(KNOWN))
    assert set(report.found) == set(KNOWN)
    assert len(server.batches) == 3
    assert waits == [0.5, 1.0]  # exponential backoff between attempts


def test_a_timeout_is_retried_then_reported_and_not_cached(service, tmp_path):
    server, url = service
    server.delay_s = 1.0
    client, waits = client_for(url, tmp_path, timeout=0.2, retries=2, backoff=0.1)
    report = client.lookup(["LS2 9JT"])
    assert report.failed == {"LS2 9JT": "the postcode service did not answer within 0.2 s"}
    assert len(server.batches) == 3 and waits == [0.1, 0.2]
    server.delay_s = 0.0
    again, _ = client_for(url, tmp_path)
    assert set(again.lookup(["LS2 9JT"]).found) == {"LS2 9JT"}  # the failure was not cached


def test_partial_failure_keeps_the_batches_that_worked(service, tmp_path):
    server, url = service
    postcodes = numbered_postcodes(150)
    server.extra = {postcodes[0]: (51.5, -0.12, "TLI31", "Camden")}
    server.fail_when_asked_for = postcodes[120]
    client, _ = client_for(url, tmp_path, retries=1)
    report = client.lookup(postcodes)
    assert set(report.found) == {postcodes[0]}
    assert len(report.not_found) == 99
    assert set(report.failed) == set(postcodes[100:])
    assert set(report.failed.values()) == {"the postcode service answered HTTP 500"}


def test_the_client_gives_up_after_repeated_failures(service, tmp_path):
    server, url = service
    server.fail_statuses = [500] * 100
    client, _ = client_for(url, tmp_path, retries=0)
    report = client.lookup(numbered_postcodes(450))
    assert len(server.batches) == geocode.GIVE_UP_AFTER
    assert len(report.failed) == 450
    assert report.failed[numbered_postcodes(450)[-1]] == "not looked up: the postcode service failed 2 times in a row"


def test_offline_uses_the_cache_only(service, tmp_path):
    server, url = service
    client = geocode.PostcodeClient(url, cache_dir=tmp_path / "cache", allow_network=False)
    report = client.lookup(["LS2 9JT"])
    assert server.batches == []
    assert report.failed == {"LS2 9JT": "offline (MMIP_OFFLINE=1) and not in the geocoding cache"}


def test_the_service_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MMIP_POSTCODES_URL", "http://127.0.0.1:9/")
    assert geocode.PostcodeClient().base_url == "http://127.0.0.1:9"


# ---------------------------------------------------------------- placing rows, end to end


@pytest.fixture(scope="module")
def centroids(places):
    return places.lad_centroids, places.itl1


def test_place_uses_postcodes_then_districts_and_lists_the_rest(service, tmp_path, centroids):
    _server, url = service
    lad, itl1 = centroids
    client, _ = client_for(url, tmp_path)
    postcodes = geocode.normalise_postcodes(pd.Series(["ls2 9jt", "ZZ9 9ZZ", None, None]))
    districts = pd.Series([None, "Cambridge", "E08000025", "Atlantis"])  # E08000025 = Birmingham
    placed = geocode.place(postcodes, districts, client=client, centroids=lad, itl1=itl1)
    assert placed["placed_by"].tolist() == ["postcode", "district", "district", pd.NA]
    assert placed.loc[0, ["latitude", "longitude"]].tolist() == [53.8067, -1.5550]
    assert placed["itl1_code"].tolist() == ["TLE", "TLH", "TLG", pd.NA]
    assert placed["unplaced_reason"].tolist()[3] == "district not recognised: Atlantis"


def test_an_import_geocodes_through_the_service(service, tmp_path, centroids):
    _server, url = service
    lad, itl1 = centroids
    client, _ = client_for(url, tmp_path)
    capabilities = load_dataset("capabilities")
    data = (pipeline.Path(__file__).parent / "fixtures" / "ingest" / "360giving_grants.csv").read_bytes()
    result = pipeline.ingest(
        pipeline.read_table(data, "grants.csv"),
        "investments",
        capabilities,
        places=pipeline.Places(client=client, lad_centroids=lad, itl1=itl1),
    )
    assert result.accepted.set_index("recipient")["itl1_code"].to_dict() == {
        "Example Pharma Ltd": "TLD",  # SK10 4TG via the service's ITL code
        "PackCo Ltd": "UK",  # no postcode: kept, in no region
    }
    assert dict(zip(result.unplaced["row"], result.unplaced["reason"])) == {
        2: "postcode not found by postcodes.io",
        3: "no postcode or district given",
        4: "postcode not found by postcodes.io",
    }
