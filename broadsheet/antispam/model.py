"""The linear model: weights over the feature vector, calibration and thresholds.

Stored as an .npz of plain arrays plus a JSON header (no pickle), so loading is a memory copy.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from broadsheet.antispam.features import FEATURE_VERSION, N_FEATURES, Vector

SHIPPED_MODEL = Path(__file__).resolve().parent / "data" / "model.npz"


@dataclass
class Model:
    weights: np.ndarray  # float32, N_FEATURES
    bias: float
    calib_a: float = 1.0  # Platt scaling: score = sigmoid(a * margin + b)
    calib_b: float = 0.0
    spam_threshold: float = 0.5
    discard_threshold: float = 0.99
    version: str = "untrained"
    info: dict[str, Any] = field(default_factory=dict)

    def margin(self, vec: Vector) -> float:
        return float(np.dot(self.weights[vec.idx], vec.val)) + self.bias

    def score(self, margin: float) -> float:
        return sigmoid(self.calib_a * margin + self.calib_b)

    def to_bytes(self) -> bytes:
        header = {
            "bias": self.bias,
            "calib_a": self.calib_a,
            "calib_b": self.calib_b,
            "spam_threshold": self.spam_threshold,
            "discard_threshold": self.discard_threshold,
            "version": self.version,
            "feature_version": FEATURE_VERSION,
            "info": self.info,
        }
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            weights=self.weights.astype(np.float32),
            header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Model:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            weights = npz["weights"].astype(np.float32)
            header = json.loads(npz["header"].tobytes().decode())
        if header.get("feature_version") != FEATURE_VERSION or len(weights) != N_FEATURES:
            raise ValueError("model was built for another feature layout")
        return cls(
            weights=weights,
            bias=float(header["bias"]),
            calib_a=float(header["calib_a"]),
            calib_b=float(header["calib_b"]),
            spam_threshold=float(header["spam_threshold"]),
            discard_threshold=float(header["discard_threshold"]),
            version=str(header["version"]),
            info=dict(header.get("info", {})),
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: Path = SHIPPED_MODEL) -> Model:
        return cls.from_bytes(path.read_bytes())


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)
