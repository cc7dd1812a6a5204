"""Service settings, read from the environment (prefix ``SW_``) and an optional ``.env``."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SW_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./singlewindow.db"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"

    max_body_bytes: int = Field(default=256 * 1024, gt=0)
    page_size_default: int = Field(default=50, gt=0)
    page_size_max: int = Field(default=200, gt=0)
    idempotency_ttl_hours: int = Field(default=24, ge=24)
    # A request holding an idempotency key longer than this is presumed dead (its process
    # crashed) and the key may be taken over by a retry.
    idempotency_in_flight_seconds: int = Field(default=60, gt=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()
