"""Every table of the app. Importing this package registers all of them (``heavy_app.models`` names
it), which is how pave-db, the DEV start-up and Alembic see a table: add each new model module's
import here (``heavy add-table`` does it for you). The runtime's own tables (users, login
sessions, saved UI state) are registered by the runtime."""

from heavy_stack.backend.data.sql_models.document import SQLDocument
from heavy_stack.backend.data.sql_models.guestbook_entry import SQLGuestbookEntry

__all__ = ["SQLDocument", "SQLGuestbookEntry"]
