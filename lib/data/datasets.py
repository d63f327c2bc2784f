"""The set of datasets a session works on, loaded independently so one broken file spares the rest."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pandas as pd

from lib import config
from lib.data.loading import DatasetError, load_dataset, release_unused_memory, validated_files


@dataclass
class Datasets:
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    errors: dict[str, DatasetError] = field(default_factory=dict)
    origin: str = "embedded"
    # Identifies this set of frames in cache keys, so cached results never hash whole frames
    # (list columns make Streamlit fall back to pickling them on every rerun).
    version: str = field(default_factory=lambda: uuid.uuid4().hex)


def load_datasets_uncached(directory=None) -> Datasets:
    """Every dataset loaded independently, so one broken file does not take down the others."""
    result = Datasets()
    capability_ids = None
    validated = validated_files(directory)
    for name in ("capabilities", *[n for n in config.DATASETS if n != "capabilities"]):
        try:
            frame = load_dataset(name, directory, capability_ids, validated=validated)
        except DatasetError as error:
            result.errors[name] = error
            continue
        result.frames[name] = frame
        if name == "capabilities":
            capability_ids = set(frame["capability_id"])
    release_unused_memory()
    return result
