"""Resolve the Elasticsearch distribution from Maven Central and build pricewatch's node plugin.

``mvn package`` on ``esnode/pom.xml`` downloads the ES 8 distribution zip (cached in ``~/.m2``) and
builds ``esnode/target/pricewatch-esnode-*.jar``. The zip is unpacked once into a shared cache
(``~/.cache/pricewatch/esnode/``), with the plugin installed under ``plugins/``; every node uses
that read-only home with its own config, data and logs under the state folder.
See docs/elasticsearch-node.md for why the distribution needs the plugin.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from crawler.esnode.errors import NodeError

ES_VERSION = "8.19.21"
PLUGIN_NAME = "pricewatch-esnode"
DIST_COORDS = ("org/elasticsearch/distribution/integ-test-zip/elasticsearch", ES_VERSION)

ESNODE_PROJECT = Path(__file__).resolve().parents[2] / "esnode"


def maven_repository() -> Path:
    """The local Maven repository (``MAVEN_REPO_LOCAL`` or ``~/.m2/repository``)."""
    return Path(os.environ.get("MAVEN_REPO_LOCAL", Path.home() / ".m2" / "repository"))


def cache_root() -> Path:
    """Where unpacked node homes live (``XDG_CACHE_HOME`` honoured)."""
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "pricewatch" / "esnode"


def distribution_zip() -> Path:
    group_path, version = DIST_COORDS
    return maven_repository() / group_path / version / f"elasticsearch-{version}.zip"


def plugin_jar() -> Path:
    return ESNODE_PROJECT / "target" / "pricewatch-esnode-1.0.0.jar"


def _plugin_sources_digest() -> str:
    digest = hashlib.sha256()
    for path in [*sorted((ESNODE_PROJECT / "src").rglob("*")), ESNODE_PROJECT / "pom.xml"]:
        if path.is_file():
            digest.update(path.relative_to(ESNODE_PROJECT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def build_with_maven(*, quiet: bool = True, offline: bool = False) -> None:
    """Run ``mvn package``: resolves the distribution into ~/.m2 and builds the plugin jar."""
    if shutil.which("mvn") is None:
        raise NodeError(
            "Maven (mvn) is not installed",
            "install it (apt-get install maven) or run ./bootstrap setup",
        )
    cmd = ["mvn", "-B", "-s", str(ESNODE_PROJECT / "settings.xml"), "-f",
           str(ESNODE_PROJECT / "pom.xml"), "package"]
    if quiet:
        cmd.insert(1, "-q")
    if offline:
        cmd.insert(1, "-o")
    if os.environ.get("MAVEN_REPO_LOCAL"):
        cmd.insert(1, f"-Dmaven.repo.local={maven_repository()}")
    result = subprocess.run(cmd, capture_output=True, text=True, env=_java_env())
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise NodeError(
            "Maven could not resolve or build the Elasticsearch node "
            f"(org.elasticsearch.distribution.integ-test-zip:elasticsearch:{ES_VERSION})",
            "check that Maven Central is reachable (esnode/settings.xml mirrors every repository "
            "to it) and that JAVA_HOME points at a JDK 17+; Maven said:\n" + tail,
        )


def _java_env() -> dict[str, str]:
    env = dict(os.environ)
    java_home = find_java_home()
    if java_home:
        env["JAVA_HOME"] = str(java_home)
    return env


def find_java_home() -> Path | None:
    """A JDK 17+ home: ES_JAVA_HOME, JAVA_HOME, or the one ``java`` on PATH belongs to."""
    for name in ("ES_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(name) and (Path(os.environ[name]) / "bin" / "java").exists():
            return Path(os.environ[name])
    java = shutil.which("java")
    if java is None:
        return None
    return Path(os.path.realpath(java)).parent.parent


def java_major_version(java_home: Path) -> int:
    result = subprocess.run([str(java_home / "bin" / "java"), "-version"],
                            capture_output=True, text=True)
    text = result.stderr or result.stdout
    # e.g. 'openjdk version "17.0.15" 2025-04-15'
    quoted = text.split('"')[1] if '"' in text else ""
    head = quoted.split(".")[0]
    return int(head) if head.isdigit() else 0


def require_java() -> Path:
    """The JDK to run the node with, or a NodeError that says how to get one."""
    java_home = find_java_home()
    if java_home is None:
        raise NodeError(
            "no Java found to run Elasticsearch",
            "install a JDK 17+ (apt-get install openjdk-17-jdk-headless) or set ES_JAVA_HOME",
        )
    major = java_major_version(java_home)
    if major < 17:
        raise NodeError(
            f"Java at {java_home} is version {major or 'unknown'}; Elasticsearch {ES_VERSION} "
            "needs 17 or newer",
            "set ES_JAVA_HOME to a JDK 17+",
        )
    return java_home


def ensure_node_home(*, build: bool = True) -> Path:
    """The unpacked ES home with the plugin installed, building/unpacking it when missing."""
    digest = _plugin_sources_digest()
    home = cache_root() / f"elasticsearch-{ES_VERSION}-{digest}"
    if (home / "bin" / "elasticsearch").exists() and (home / "plugins" / PLUGIN_NAME).is_dir():
        return home
    if build and (not distribution_zip().exists() or not plugin_jar().exists()
                  or _stale(plugin_jar(), digest)):
        build_with_maven()
        _stamp(plugin_jar(), digest)
    if not distribution_zip().exists():
        raise NodeError(f"the distribution zip is missing at {distribution_zip()}",
                        "run `pricewatch es build` (needs Maven Central)")
    _unpack(distribution_zip(), home)
    return home


def _stale(jar: Path, digest: str) -> bool:
    stamp = jar.with_suffix(".digest")
    return not stamp.exists() or stamp.read_text().strip() != digest


def _stamp(jar: Path, digest: str) -> None:
    jar.with_suffix(".digest").write_text(digest)


def _unpack(zip_path: Path, home: Path) -> None:
    """Unpack into a temp folder and rename, so a crash never leaves a half home behind."""
    home.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=home.parent) as tmp:
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(tmp)
            top = Path(tmp) / f"elasticsearch-{ES_VERSION}"
            # zipfile drops the unix mode bits: restore them so bin/ scripts run.
            for info in archive.infolist():
                mode = (info.external_attr >> 16) & 0o777
                if mode:
                    os.chmod(Path(tmp) / info.filename, mode)
        plugin_dir = top / "plugins" / PLUGIN_NAME
        plugin_dir.mkdir(parents=True)
        shutil.copy2(plugin_jar(), plugin_dir / plugin_jar().name)
        with zipfile.ZipFile(plugin_jar()) as jar:
            (plugin_dir / "plugin-descriptor.properties").write_bytes(
                jar.read("plugin-descriptor.properties"))
        if home.exists():
            shutil.rmtree(home)
        top.rename(home)
