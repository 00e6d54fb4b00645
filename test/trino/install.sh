#!/usr/bin/env bash
# Installs a Trino server for the tests under ~/.cache/finops-test/trino-<version>/ when it is missing.
# The registry serves Trino's jars but not its server tarball, so the server is assembled as the tarball
# lays it out: lib/ (trino-main and its runtime dependencies), plugin/hive/ (the Hive connector and its
# own), and a one-line launcher for io.trino.server.Server (the tarball's main class is not published).
# Everything comes through the ordinary Maven client. Needs Java 25 (Trino 483's floor).
set -euo pipefail

TRINO_VERSION="${FINOPS_TRINO_VERSION:-483}"
JAVA_HOME="${FINOPS_TRINO_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
TARGET="${HOME}/.cache/finops-test/trino-${TRINO_VERSION}"

if [ -f "${TARGET}/.complete" ]; then exit 0; fi
if [ ! -x "${JAVA_HOME}/bin/java" ]; then
  echo "test setup: ${JAVA_HOME}/bin/java is missing: Trino ${TRINO_VERSION} needs Java 25, the Trino tests will be skipped" >&2
  exit 0
fi
if ! command -v mvn >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" = "0" ] || SUDO="sudo"
    echo "test setup: installing maven with apt-get (to fetch Trino's jars)" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq maven >/dev/null
  else
    echo "test setup: mvn is missing and apt-get is not available: the Trino tests will fail" >&2
    exit 1
  fi
fi

echo "test setup: assembling Trino ${TRINO_VERSION} from Maven into ${TARGET} (about 360 MB)" >&2
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
pom() {
  cat <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>finops.test</groupId><artifactId>trino-$1</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.trino</groupId><artifactId>$1</artifactId><version>${TRINO_VERSION}</version></dependency>
  </dependencies>
</project>
POM
}
pom trino-main >"${work}/server.xml"
pom trino-hive >"${work}/hive.xml"
rm -rf "${TARGET}"
mkdir -p "${TARGET}/lib" "${TARGET}/plugin/hive" "${TARGET}/launcher"
mvn -q -B -f "${work}/server.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="${TARGET}/lib"
mvn -q -B -f "${work}/hive.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="${TARGET}/plugin/hive"
# The SPI a plugin shares with the server comes from the server's class path, never the plugin's own copy
# (the tarball leaves these out of every plugin folder).
rm -f "${TARGET}"/plugin/hive/{trino-spi,slice,jackson-annotations,opentelemetry-api,opentelemetry-context}-[0-9]*.jar
# The published plugin jar has no service file (the tarball's packaging adds it): name the plugin class.
mkdir -p "${work}/services/META-INF/services"
echo "io.trino.plugin.hive.HivePlugin" >"${work}/services/META-INF/services/io.trino.spi.Plugin"
"${JAVA_HOME}/bin/jar" cf "${TARGET}/plugin/hive/finops-hive-plugin-service.jar" -C "${work}/services" META-INF
cat >"${work}/FinopsTrinoServer.java" <<'JAVA'
// What the server tarball's main class does: start the coordinator, named with its version.
public class FinopsTrinoServer {
  public static void main(String[] args) {
    new io.trino.server.Server().start(System.getProperty("finops.trino.version", "unknown"));
  }
}
JAVA
"${JAVA_HOME}/bin/javac" -cp "${TARGET}/lib/*" -d "${TARGET}/launcher" "${work}/FinopsTrinoServer.java"
touch "${TARGET}/.complete"
echo "test setup: Trino ${TRINO_VERSION} ready ($(du -sh "${TARGET}" | cut -f1))" >&2
