"""``python -m heavy.dev``: a server process of ``heavy dev`` (the supervisor starts it).

A standby (``--standby``) first loads the libraries and waits for its turn; only then is the app
imported, so a standby never runs code older than the files on disk.
"""

import sys
import time

from heavy.dev.server_options import DevServerOptions
from heavy.dev.standby import wait_as_standby

options = DevServerOptions.from_arguments(sys.argv[1:])
if options.standby:
    wait_as_standby(options.library_list)
started = time.monotonic()

from heavy.dev.dev_server import serve  # noqa: E402  (the app is imported from here on)

serve(options, started=started)
