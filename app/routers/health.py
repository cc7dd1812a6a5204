from fastapi import APIRouter
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from app.errors import ServiceUnavailable
from app.routers.deps import PROBLEM, EngineDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The service can reach its database", responses={503: PROBLEM})
async def readyz(engine: EngineDep) -> dict[str, str]:
    def ping() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    try:
        await run_in_threadpool(ping)
    except Exception as exc:
        raise ServiceUnavailable(
            f"The database does not answer: {type(exc).__name__}.", "数据库无响应。"
        ) from exc
    return {"status": "ready"}
