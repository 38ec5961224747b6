# The lcagent agent image (daemon, judge service, dashboard). BASE_IMAGE must
# provide python3 (3.11+) with venv and pip: the default comes from a registry;
# where none is reachable, build one with `scripts/build-base-image.sh` and pass
# --build-arg BASE_IMAGE=lcagent-base:bookworm. Wheels found in deploy/wheels
# (`pip wheel . -w deploy/wheels` on the host) are installed without any index.
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LCAGENT_DATA_DIR=/data LCAGENT_CACHE_DIR=/data/cache
WORKDIR /app
COPY pyproject.toml README.md ./
COPY agent ./agent
COPY judge ./judge
COPY storage ./storage
COPY deploy/wheels /wheels
RUN python3 -m venv /opt/lcagent \
 && if ls /wheels/*.whl >/dev/null 2>&1; then \
      /opt/lcagent/bin/pip install --no-cache-dir --no-index --find-links /wheels lcagent; \
    else /opt/lcagent/bin/pip install --no-cache-dir .; fi \
 && rm -rf /wheels \
 && (getent group lcagent || groupadd -g 10002 lcagent) \
 && (getent passwd lcagent || useradd -u 10002 -g 10002 -M -d /data -s /usr/sbin/nologin lcagent) \
 && mkdir -p /data/cache && chown -R 10002:10002 /data
ENV PATH=/opt/lcagent/bin:$PATH
VOLUME ["/data"]
# The daemon and the dashboard run unprivileged; the judge service, which holds
# the Docker socket, runs as root (see docker-compose.yml).
USER 10002:10002
CMD ["lcagent", "daemon"]
