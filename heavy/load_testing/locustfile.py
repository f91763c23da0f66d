"""The locustfile ``heavy load-test`` runs; the recording and its options come from the command line."""

from heavy.load_testing.locust_user import RecordedSessionUser


class RecordingReplayUser(RecordedSessionUser):
    """Replays the connection of ``--recording`` that ``heavy load-test`` chose."""
