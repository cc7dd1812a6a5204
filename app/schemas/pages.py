from pydantic import BaseModel, Field


class Page(BaseModel):
    """Every list answers ``{"items": [...], "nextCursor": ...}``."""

    nextCursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
