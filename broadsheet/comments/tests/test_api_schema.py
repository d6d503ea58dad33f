"""Schemathesis against the live API: no server error, and every answer as the schema says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from broadsheet.test import served

ST = Path(sys.executable).with_name("st")
PARTNER = "https://partner.example"
# Enough cases per operation to reach every branch of the parameters, few enough to finish in
# about a minute on a busy machine.
EXAMPLES_PER_OPERATION = 30
TIME_LIMIT = 240  # seconds: the run is killed, and the test fails, past this


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BROADSHEET_DATA_DIR": str(tmp_path),
        "BROADSHEET_EMBED_ORIGINS": PARTNER,
        "BROADSHEET_LOG_LEVEL": "ERROR",
    }
    env.pop("DATABASE_URL", None)  # its own throwaway SQLite database, not the test database
    with served(env, migrate=True) as base:
        run = subprocess.run(
            [
                str(ST),
                "run",
                f"{base}/api/openapi.json",
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,"
                "response_schema_conformance,response_headers_conformance",
                "--max-examples",
                str(EXAMPLES_PER_OPERATION),
                "--seed",
                "20261127",
                "--generation-database",
                "none",
                "--workers",
                "1",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT,
            cwd=tmp_path,  # it keeps its state in ./.schemathesis
            env={**env, "SCHEMATHESIS_HOOKS": ""},
        )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
