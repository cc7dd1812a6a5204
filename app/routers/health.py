import logging

from fastapi import APIRouter
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from app.errors import ServiceUnavailable
from app.routers.deps import PROBLEM, EngineDep

router = APIRouter(tags=["health"])
log = logging.getLogger("app.health")


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    """`200` while the process answers at all: for a liveness probe. No key needed."""
    return {"status": "ok"}


@router.get("/readyz", summary="The service can reach its database", responses={503: PROBLEM})
async def readyz(engine: EngineDep) -> dict[str, str]:
    """`200` when the service reaches its database, `503` otherwise: for a readiness
    probe (a load balancer sends no traffic to a replica that is not ready). No key
    needed."""

    def ping() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    try:
        await run_in_threadpool(ping)
    except Exception as exc:
        # What failed goes to the log, for the operator; the caller is told only that the
        # database does not answer, never the service's own names for things.
        log.warning("readyz: the database does not answer: %s", type(exc).__name__)
        raise ServiceUnavailable("The database does not answer.", "数据库无响应。") from exc
    return {"status": "ready"}
