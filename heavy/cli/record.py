"""``heavy record``: serve the app and write every stream message into a recording for load tests."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import click

from heavy.config import HeavySettings, load_settings, settings_class
from heavy.data.database_setup import prepare_databases
from heavy.errors import RecordingError
from heavy.realtime.recording import read_recording
from heavy.serving import serve


def default_recordings_dir(settings: HeavySettings) -> Path:
    return settings.data_dir / "recordings"


@click.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Recording file; an existing recording is appended to.  "
    "[default: the RECORD_FILE setting, else session-<time>.jsonl in "
    "DATA_DIR/recordings/, i.e. .heavy/recordings/ unless set]",
)
@click.option("--host", help="Interface to listen on.  [default: the HOST setting, else 127.0.0.1]")
@click.option(
    "--port", type=click.IntRange(1, 65535), help="Port to listen on.  [default: the PORT setting, else 8000]"
)
def record(out: Path | None, host: str | None, port: int | None) -> None:
    """Serve the app (one worker) and record every stream connection until Ctrl+C.

    Open the app in a browser and do what a user does; each message is on disk as soon as it is
    sent. State recovery is off while recording, so every tab starts fresh, as its replays will.
    Then replay it: heavy load-test --recording FILE.
    """
    settings = load_settings()
    out = (out or settings.record_file or _new_recording_path(settings)).resolve()
    if out.exists():
        read_recording(out)  # refuses anything that is not a recording before appending to it
    elif out.parent.exists() and not out.parent.is_dir():
        raise RecordingError(f"cannot record into {out}: {out.parent} is not a folder")
    # The app reads its settings from the environment when the server loads it.
    os.environ[settings_class().env_name("record_file")] = str(out)
    urls, _ = asyncio.run(prepare_databases(settings, create_schema=settings.is_dev))
    click.echo(f"recording every stream connection into {out}")
    serve(
        settings,
        host=host or settings.host,
        port=port or settings.port,
        workers=1,
        database="embedded PostgreSQL" if urls.embedded else "configured databases",
    )
    _print_summary(out)


def _new_recording_path(settings: HeavySettings) -> Path:
    return default_recordings_dir(settings) / f"session-{time.strftime('%Y%m%d-%H%M%S')}.jsonl"


def _print_summary(out: Path) -> None:
    if not out.exists():
        click.echo("nothing was recorded (the server stopped before it started)")
        return
    recording = read_recording(out)
    client_events = sum(len(c.client_messages) for c in recording.connections.values())
    click.echo(
        f"recorded {len(recording.connections)} connection(s) with {client_events} client event(s) "
        f"into {out}; replay it with: heavy load-test --recording {out}"
    )
