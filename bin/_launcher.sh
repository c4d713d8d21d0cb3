# Shared by the bin/ launchers: finds a JDK 25, builds the project on first use (or when sources
# changed), and runs a main class with the flags every echorec JVM needs. Sourced, not executed.

ECHOREC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

java_major() { # prints the major version of the java binary in $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}

find_jdk25() {
  local candidates=() c major
  [ -n "${ECHOREC_JAVA_HOME:-}" ] && candidates+=("$ECHOREC_JAVA_HOME")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/* "$HOME"/.jdks/* "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$c/bin/java" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] || continue
    major=$(java_major "$c/bin/java")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 25 ] 2>/dev/null; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

JDK25="$(find_jdk25)" || {
  echo "echorec: no JDK 25 or newer found (looked at \$ECHOREC_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm, /opt, ~/.jdks, ~/.sdkman); install one, or set ECHOREC_JAVA_HOME" >&2
  exit 1
}
JAVA="$JDK25/bin/java"
JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC)

# Builds the modules up to $1 (an artifact directory such as bench) when a source is newer than the
# last build, and writes the runtime class path to $1/target/classpath.txt.
ensure_built() {
  local module="$1" stamp="$ECHOREC_ROOT/$1/target/classpath.txt"
  if [ -f "$stamp" ] && [ -z "$(find "$ECHOREC_ROOT" -path "$ECHOREC_ROOT/.device" -prune -o \
        \( -name '*.java' -o -name 'pom.xml' -o -name '*.cu' \) -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  echo "echorec: building (first use or sources changed) ..." >&2
  (cd "$ECHOREC_ROOT" && mvn -q -B -Dstyle.color=never -DskipTests -pl "$module" -am package \
      dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime) >&2 || {
    echo "echorec: build failed" >&2
    exit 1
  }
}

# The class path of module $1: its own jar, its reactor siblings' classes and its dependencies.
module_classpath() {
  local module="$1" cp jars=""
  cp="$(cat "$ECHOREC_ROOT/$module/target/classpath.txt")"
  for m in bindings runtime model bench; do
    jars="$jars:$ECHOREC_ROOT/$m/target/classes"
    [ "$m" = "$module" ] && break
  done
  echo "${jars#:}:$cp"
}
