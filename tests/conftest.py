import json
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CONFORMANCE_DIR = REPO_ROOT.parent / "shared" / "conformance"


def load_vectors(name: str) -> list[dict]:
    """Read one conformance file; skip the calling test when the shared folder is absent."""
    path = CONFORMANCE_DIR / name
    if not path.exists():
        pytest.skip(f"conformance vectors not found at {path}")
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT
