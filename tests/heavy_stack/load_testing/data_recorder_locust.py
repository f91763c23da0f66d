"""Load the demo app with the recorded landing page session, with plain Locust (the original stack's file).

    .venv/bin/heavy run                                           # in one terminal
    .venv/bin/locust -f tests/heavy_stack/load_testing/data_recorder_locust.py  # in another; open http://localhost:8089

Point ``recording`` at your own recording (``heavy record``); the connection with the most client
events is replayed unless ``connection`` is set. ``heavy load-test`` does the same headless, with limits.
"""

from pathlib import Path

from heavy.load_testing.locust_user import RecordedSessionUser


class LandingPageVisitor(RecordedSessionUser):
    recording = Path(__file__).with_name("landing_page_session.jsonl")
    connection = None
    host = "http://127.0.0.1:8000"
    think_time = 1.0
