"""Datasets read from object storage: a ``memory://`` URL, and S3 through a local moto server.

moto's ``ThreadedMotoServer`` speaks the S3 HTTP API on 127.0.0.1, so the whole client stack the
app uses against AWS runs for real and offline: fsspec, s3fs, aiobotocore, botocore request
signing with fake credentials, the endpoint taken from ``AWS_ENDPOINT_URL``. Not covered: AWS
itself (IAM roles, regions, TLS).
"""

from __future__ import annotations

import functools
import importlib.util
import io
import os
import socket
import threading
import uuid
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import fsspec
import pandas as pd
import pyarrow.parquet as pq
import pytest

from lib import config
from lib.data.datasets import load_datasets_uncached
from lib.data.loading import DatasetError, data_version, load_dataset
from lib.ui import caching

BUCKET = "mmip-test"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
TRUNCATED_SITES = 25


def _embedded_bytes(name: str) -> bytes:
    return (config.DEFAULT_DATA_DIR / f"{name}.parquet").read_bytes()


def _truncated_sites() -> bytes:
    """The embedded sites file cut to its first rows: a changed object the loader must notice."""
    buffer = io.BytesIO()
    pq.write_table(pq.read_table(config.DEFAULT_DATA_DIR / "sites.parquet").slice(0, TRUNCATED_SITES), buffer)
    return buffer.getvalue()


def _put_embedded(filesystem, prefix: str) -> None:
    for name in config.DATASETS:
        filesystem.pipe_file(f"{prefix}/{name}.parquet", _embedded_bytes(name))


def _row_counts(frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    return {name: len(frame) for name, frame in frames.items()}


# ---------------------------------------------------------------- memory://


@pytest.fixture
def memory_url():
    filesystem = fsspec.filesystem("memory")
    prefix = f"mmip-{uuid.uuid4().hex}"
    _put_embedded(filesystem, prefix)
    yield f"memory://{prefix}"
    filesystem.rm(prefix, recursive=True)


def test_memory_url_loads_like_the_local_files(memory_url, monkeypatch, embedded):
    monkeypatch.setenv("MMIP_DATA_DIR", memory_url)
    assert config.data_dir() == memory_url  # a Path would have collapsed "//"
    data = load_datasets_uncached(config.data_dir())
    assert not data.errors, {name: error.message for name, error in data.errors.items()}
    assert _row_counts(data.frames) == _row_counts(embedded)
    pd.testing.assert_frame_equal(data.frames["sites"], embedded["sites"])


def test_memory_url_is_really_read(memory_url):
    fsspec.filesystem("memory").pipe_file(f"{memory_url}/sites.parquet", _truncated_sites())
    assert len(load_dataset("sites", memory_url)) == TRUNCATED_SITES


def test_missing_object_names_the_url(memory_url):
    with pytest.raises(DatasetError) as info:
        load_dataset("sites", memory_url + "/nowhere/")
    assert info.value.file == "sites.parquet"
    assert f"not found: {memory_url}/nowhere/sites.parquet" in info.value.message


def test_corrupt_object_names_the_url(memory_url):
    fsspec.filesystem("memory").pipe_file(f"{memory_url}/centres.parquet", b"not parquet")
    with pytest.raises(DatasetError) as info:
        load_dataset("centres", memory_url)
    assert "not a readable Parquet file" in info.value.message
    assert f"{memory_url}/centres.parquet" in info.value.message


@pytest.mark.skipif(importlib.util.find_spec("gcsfs") is not None, reason="gcsfs is installed")
def test_missing_protocol_package_is_named():
    with pytest.raises(DatasetError) as info:
        load_dataset("regions", "gs://some-bucket/mmip")
    assert "gs://some-bucket/mmip/regions.parquet" in info.value.message
    assert "gcsfs" in info.value.message


def test_local_paths_still_work(embedded):
    assert len(load_dataset("sites", config.DEFAULT_DATA_DIR)) == len(embedded["sites"])
    assert len(load_dataset("sites", str(config.DEFAULT_DATA_DIR))) == len(embedded["sites"])


def test_local_version_changes_when_a_file_changes(tmp_path):
    for name in config.DATASETS:
        (tmp_path / f"{name}.parquet").write_bytes(_embedded_bytes(name))
    before = data_version(tmp_path)
    assert data_version(tmp_path) == before
    (tmp_path / "sites.parquet").write_bytes(_truncated_sites())
    assert data_version(tmp_path) != before


# ---------------------------------------------------------------- https:// (a local HTTP server)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_http_url_loads(embedded):
    """A plain web folder of Parquet files (fsspec's HTTP back-end, aiohttp) served from 127.0.0.1."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(config.DEFAULT_DATA_DIR))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        data = load_datasets_uncached(url)
        assert not data.errors, {name: error.message for name, error in data.errors.items()}
        assert _row_counts(data.frames) == _row_counts(embedded)
        with pytest.raises(DatasetError) as info:
            load_dataset("sites", f"{url}/nowhere")
        assert f"not found: {url}/nowhere/sites.parquet" in info.value.message
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# ---------------------------------------------------------------- S3 (moto)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _clear_s3_instances() -> None:
    # fsspec keeps one S3FileSystem per set of arguments, with the credentials it resolved then.
    fsspec.get_filesystem_class("s3").clear_instance_cache()


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """A moto S3 server on 127.0.0.1, the environment pointing boto at it with fake credentials."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    missing = str(tmp_path_factory.mktemp("aws") / "none")
    with pytest.MonkeyPatch.context() as env:
        for key in [k for k in os.environ if k.startswith("AWS_")]:
            env.delenv(key)
        # Never ask an instance-metadata service, never read a developer's ~/.aws.
        env.setenv("AWS_EC2_METADATA_DISABLED", "true")
        env.setenv("AWS_CONFIG_FILE", missing)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", missing)
        for key, value in FAKE_CREDENTIALS.items():
            env.setenv(key, value)
        endpoint = f"http://127.0.0.1:{port}"
        env.setenv("AWS_ENDPOINT_URL", endpoint)  # botocore's own setting; s3fs passes it through
        _clear_s3_instances()
        s3 = fsspec.filesystem("s3")
        s3.mkdir(BUCKET)
        yield endpoint
        _clear_s3_instances()
    server.stop()


@pytest.fixture
def s3_url(s3_endpoint):
    prefix = f"{BUCKET}/data-{uuid.uuid4().hex}"
    _put_embedded(fsspec.filesystem("s3"), prefix)
    return f"s3://{prefix}"


def test_s3_round_trip(s3_url, embedded):
    data = load_datasets_uncached(s3_url)
    assert not data.errors, {name: error.message for name, error in data.errors.items()}
    assert _row_counts(data.frames) == _row_counts(embedded)
    pd.testing.assert_frame_equal(data.frames["investments"], embedded["investments"])


def test_s3_missing_object_names_the_url(s3_url):
    with pytest.raises(DatasetError) as info:
        load_dataset("sites", f"s3://{BUCKET}/no-such-prefix")
    assert info.value.file == "sites.parquet"
    assert f"not found: s3://{BUCKET}/no-such-prefix/sites.parquet" in info.value.message


def test_s3_without_credentials_says_so(s3_url, monkeypatch):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(key)
    _clear_s3_instances()
    try:
        with pytest.raises(DatasetError) as info:
            load_dataset("regions", s3_url)
    finally:
        monkeypatch.undo()
        _clear_s3_instances()
    assert "no credentials" in info.value.message
    assert f"{s3_url}/regions.parquet" in info.value.message


def test_s3_version_changes_when_an_object_changes(s3_url, embedded):
    before = data_version(s3_url)
    assert data_version(s3_url) == before  # stable while nothing changes: no needless reloads
    assert len(caching.embedded_datasets(s3_url).frames["sites"]) == len(embedded["sites"])

    fsspec.filesystem("s3").pipe_file(f"{s3_url}/sites.parquet", _truncated_sites())
    assert data_version(s3_url) != before
    # Until the next check the app keeps the data it has; after it, it loads the new object.
    assert len(caching.embedded_datasets(s3_url).frames["sites"]) == len(embedded["sites"])
    caching._data_version.clear()
    assert len(caching.embedded_datasets(s3_url).frames["sites"]) == TRUNCATED_SITES


def test_overview_page_renders_from_s3(s3_url, monkeypatch):
    from tests.apptest_helpers import assert_healthy, open_page

    fsspec.filesystem("s3").pipe_file(f"{s3_url}/sites.parquet", _truncated_sites())
    monkeypatch.setenv("MMIP_DATA_DIR", s3_url)
    at = open_page()
    assert_healthy(at)
    metrics = {m.label: m.value for m in at.metric}
    first = pq.read_table(config.DEFAULT_DATA_DIR / "sites.parquet").slice(0, TRUNCATED_SITES).to_pandas()
    in_default_scope = first["scope"].isin(["human_medicines", "ivd", "packaging_components"]) | first["scope"].isna()
    assert metrics["Manufacturing sites"] == str(int(in_default_scope.sum()))
