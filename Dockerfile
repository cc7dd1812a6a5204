# The single window's image. The API (`singlewindow serve`), the outbox worker
# (`singlewindow worker`) and the four simulated agencies (`python -m mock_agencies`) all
# run from it, each in a container of its own: deploy/compose.yaml, docs/deployment.md.
#
#   docker build -t singlewindow .
#   docker run -p 8000:8000 -e SW_DATABASE_URL=postgresql+psycopg://… \
#     -e SW_BOOTSTRAP_ADMIN_KEY="$(openssl rand -base64 32)" singlewindow

# -- build: the project and its dependencies in a virtual environment, no pip cache ------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/singlewindow
ENV PATH=/opt/singlewindow/bin:$PATH

# Installed in place (editable), as in a checkout: alembic.ini and the migrations are
# found beside the code (app.store.db.PROJECT_ROOT), the console's templates too.
WORKDIR /srv/singlewindow
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY mock_agencies ./mock_agencies
COPY migrations ./migrations
RUN pip install --no-cache-dir -e .

# -- run: the environment and the code, not what built them --------------------------------
FROM python:3.11-slim

LABEL org.opencontainers.image.title="singlewindow" \
      org.opencontainers.image.description="Cross-border e-commerce single window: file once, declare once, one clearance answer."

# SW_HOST: listen on every interface of the container (the port is SW_PORT, 8000).
ENV PATH=/opt/singlewindow/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    SW_HOST=0.0.0.0

# A system user of its own, without a login shell: nothing here needs root.
RUN groupadd --system --gid 10001 singlewindow \
    && useradd --system --uid 10001 --gid singlewindow --home-dir /var/lib/singlewindow \
       --create-home --shell /usr/sbin/nologin singlewindow

COPY --from=build /opt/singlewindow /opt/singlewindow
COPY --from=build /srv/singlewindow /srv/singlewindow
COPY deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

# What the service writes (a SQLite database if no PostgreSQL is given, the agencies'
# records in ./agency-data, the development CEB identity) goes under the working
# directory, the one place its user may write: mount a volume there to keep it.
USER singlewindow:singlewindow
WORKDIR /var/lib/singlewindow
EXPOSE 8000

# /healthz answers while the process is up (/readyz also asks the database). An agency
# is checked on its own port (HEALTHCHECK_URL); the worker serves no HTTP, and compose
# turns the check off for it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ.get('HEALTHCHECK_URL', 'http://127.0.0.1:8000/healthz'), timeout=2)"]

# Migrations on start: the entrypoint runs `singlewindow db upgrade` before `serve` or
# `worker` (MIGRATE_ON_START=false leaves it to a one-off job).
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["singlewindow", "serve"]
