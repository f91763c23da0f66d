"""The app object of this process, so that ``sanic heavy.main.app`` (and ``heavy run``) work."""

from heavy.app_factory import create_app

app = create_app()
