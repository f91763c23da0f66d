"""The app's settings: every runtime setting (see heavy.config) under the ``HEAVY_STACK_`` prefix,
and the app's own. Add a field here and it is read from ``HEAVY_STACK_<FIELD>`` and validated at
start-up like the runtime's; document it in template.env."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from heavy.config import HeavySettings


class Settings(HeavySettings):
    """Heavy Stack's settings (``heavy_app.settings``)."""

    model_config = SettingsConfigDict(env_prefix="HEAVY_STACK_")

    mail_from: str = Field(default="Heavy Stack <noreply@localhost>", description="the From of every mail")
    vector_search_results: int = Field(
        default=5, ge=1, le=50, description="How many stored texts the landing page's vector search shows"
    )
