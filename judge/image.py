"""The judge image: a content version, and two equivalent ways to build it.

The tag is `lcagent-judge:<version>`, the version a hash of everything that can
change a verdict inside the container (the harness, the Dockerfile, the offline
recipe), so a verdict names the exact image and code that changed the harness
cannot silently run on an old one. A verdict also records the image id.

- `build_from_dockerfile`: `docker build` of `judge/image/Dockerfile` (needs a
  registry for `debian:bookworm-slim`, or a local `base_image`).
- `build_offline`: `debootstrap` a minimal Debian with python3 into a folder
  (cached as a tarball), add the harness, `docker import` it. No registry needed,
  only a Debian mirror; needs root for debootstrap's chroot.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import tarfile
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import docker
import docker.errors

from judge.errors import SandboxUnavailable

log = logging.getLogger(__name__)

REPOSITORY = "lcagent-judge"
RECIPE: dict[str, Any] = {
    "suite": "bookworm",
    "variant": "minbase",
    "packages": ["python3", "python3-sortedcontainers"],
    "user": "judge:x:10001:10001:lcagent judge:/tmp:/usr/sbin/nologin",
    "group": "judge:x:10001:",
    "trim": ["usr/share/doc", "usr/share/man", "usr/share/locale", "usr/share/info",
             "var/cache/apt", "var/lib/apt/lists"],
}
_CMD = ["python3", "-s", "-B", "-P", "/opt/lcjudge/harness.py", "serve"]


def _asset(name: str) -> bytes:
    if name == "harness.py":
        return resources.files("judge").joinpath("harness.py").read_bytes()
    return resources.files("judge").joinpath("image", name).read_bytes()


def image_version() -> str:
    h = hashlib.sha256()
    for part in (_asset("harness.py"), _asset("Dockerfile"), json.dumps(RECIPE, sort_keys=True).encode()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:12]


def image_tag() -> str:
    return f"{REPOSITORY}:{image_version()}"


def image_present(client: docker.DockerClient, tag: str | None = None) -> bool:
    try:
        client.images.get(tag or image_tag())
        return True
    except docker.errors.ImageNotFound:
        return False


def build_from_dockerfile(client: docker.DockerClient, base_image: str | None = None) -> str:
    tag = image_tag()
    with tempfile.TemporaryDirectory(prefix="lcagent-judge-") as ctx:
        Path(ctx, "Dockerfile").write_bytes(_asset("Dockerfile"))
        Path(ctx, "harness.py").write_bytes(_asset("harness.py"))
        args = {"BASE_IMAGE": base_image} if base_image else {}
        try:
            client.images.build(path=ctx, tag=tag, buildargs=args, rm=True, forcerm=True,
                                labels={"org.lcagent.judge.version": image_version()})
        except docker.errors.BuildError as e:
            tail = "".join(str(x.get("stream", x.get("error", ""))) for x in list(e.build_log)[-15:])
            raise SandboxUnavailable(f"judge image build failed: {e.msg}\n{tail}") from None
        except docker.errors.APIError as e:
            raise SandboxUnavailable(f"judge image build failed: {e}") from None
    return tag


def _recipe_key() -> str:
    return hashlib.sha256(json.dumps(RECIPE, sort_keys=True).encode()).hexdigest()[:12]


def base_rootfs(cache_dir: Path, mirror: str) -> Path:
    """The debootstrapped Debian (with python3) as a tarball, built once per recipe."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    tarball = cache_dir / f"judge-rootfs-{RECIPE['suite']}-{_recipe_key()}.tar"
    if tarball.exists():
        return tarball
    if shutil.which("debootstrap") is None:
        raise SandboxUnavailable("debootstrap is not installed (Debian/Ubuntu: apt-get install debootstrap)")
    with tempfile.TemporaryDirectory(prefix="lcagent-rootfs-", dir=cache_dir) as tmp:
        root = Path(tmp, "rootfs")
        cmd = ["debootstrap", f"--variant={RECIPE['variant']}", "--include=" + ",".join(RECIPE["packages"]),
               RECIPE["suite"], str(root), mirror]
        log.info("running %s", " ".join(cmd))
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise SandboxUnavailable(f"debootstrap failed ({done.returncode}): {done.stdout[-2000:]}{done.stderr[-2000:]}")
        for rel in RECIPE["trim"]:
            shutil.rmtree(root / rel, ignore_errors=True)
        with open(root / "etc/passwd", "a") as f:
            f.write(RECIPE["user"] + "\n")
        with open(root / "etc/group", "a") as f:
            f.write(RECIPE["group"] + "\n")
        partial = tarball.with_suffix(".partial")
        subprocess.run(["tar", "--numeric-owner", "-C", str(root), "-cf", str(partial), "."], check=True)
        partial.replace(tarball)
    return tarball


def build_offline(client: docker.DockerClient, cache_dir: Path, mirror: str = "http://deb.debian.org/debian") -> str:
    tag = image_tag()
    base = base_rootfs(cache_dir, mirror)
    with tempfile.TemporaryDirectory(prefix="lcagent-image-", dir=cache_dir) as tmp:
        final = Path(tmp, "image.tar")
        shutil.copyfile(base, final)
        harness = Path(tmp, "harness.py")
        harness.write_bytes(_asset("harness.py"))
        with tarfile.open(final, "a") as tar:
            for name, path, mode in (("./opt/lcjudge", None, 0o555), ("./opt/lcjudge/harness.py", harness, 0o444)):
                info = tar.gettarinfo(str(path or tmp), arcname=name)
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                info.mode = mode
                if path is None:
                    tar.addfile(info)
                else:
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
        repo, version = tag.split(":")
        changes = [
            "USER 10001:10001",
            "WORKDIR /tmp",
            "ENV LANG=C.UTF-8",
            f"LABEL org.lcagent.judge.version={version}",
            "CMD " + json.dumps(_CMD),
        ]
        try:
            client.api.import_image_from_file(str(final), repository=repo, tag=version, changes=changes)
        except docker.errors.APIError as e:
            raise SandboxUnavailable(f"docker import failed: {e}") from None
    if not image_present(client, tag):
        raise SandboxUnavailable(f"docker import finished but {tag} is not there")
    return tag
