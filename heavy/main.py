"""The app object of this process, so that ``sanic heavy_stack.main.app`` (and ``heavy run``) work."""

from heavy_stack.app_factory import create_app

app = create_app()
