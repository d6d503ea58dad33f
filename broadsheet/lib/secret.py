"""The secret key generated once into the data directory when none is configured."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path


def load_or_create_secret_key(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=data_dir)  # created with mode 0600
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        # link() is atomic and refuses to overwrite: when two workers start at once,
        # both end up reading the one key that won.
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()
