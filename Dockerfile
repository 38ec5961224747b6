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
 && rm -rf /wheels && mkdir -p /data
ENV PATH=/opt/lcagent/bin:$PATH
VOLUME ["/data"]
CMD ["lcagent", "daemon"]
