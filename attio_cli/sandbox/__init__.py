"""A local server that responds like Attio's REST API, for rehearsing a backfill and for tests.

``attio-cli sandbox`` serves it from the command line. Tests start one in a background thread::

    from attio_cli.sandbox import run_sandbox

    with run_sandbox(write_rate=0, read_rate=0) as sandbox:
        response = httpx.put(
            f"{sandbox.base_url}/v2/objects/people/records?matching_attribute=email_addresses",
            json={"data": {"values": {"email_addresses": ["ada@example.com"]}}},
            headers=sandbox.headers,
        )
        assert sandbox.stats()["records"]["people"] == 1
"""

from attio_cli.sandbox.options import DEFAULT_TOKEN, SandboxOptions
from attio_cli.sandbox.runner import SandboxHandle, run_sandbox

__all__ = ["DEFAULT_TOKEN", "SandboxHandle", "SandboxOptions", "run_sandbox"]
