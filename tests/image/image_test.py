#!/usr/bin/env python3
"""Checks the Dockerfile without a container engine (none runs on the CI box).

    image_test.py CANOPY_BINARY REPO_ROOT

1. Parses REPO_ROOT/Dockerfile (line continuations, comments) into stages; the runtime stage is
   the last FROM.
2. Static checks: two or more stages; the build stage is FROM debian:12 and installs what
   scripts/lib.sh's BUILD_PACKAGES lists (less the documented exclusions) plus nodejs and npm,
   and configures with -DCANOPY_WEB=ON; the runtime stage is FROM debian:12-slim, copies the
   binary from the build stage to /usr/local/bin/canopy and policies/ and tenants/ to
   /usr/share/canopy/, sets CANOPY_POLICIES, the three listeners (public 8080, internal 8081,
   metrics 9090) and CANOPY_RELOAD_URL, runs as a numeric user other
   than 0 that owns its WORKDIR /var/lib/canopy, exposes 8080 8081 9090, has ENTRYPOINT
   exactly ["canopy"] and CMD exactly ["serve"], installs ca-certificates, uses
   --no-install-recommends, removes the apt lists, and installs no compiler, build tool or -dev
   package; .dockerignore keeps build output, node_modules, var/ and .git out of the context.
3. Libraries: `ldd` on the binary (none "not found"); each library's file is mapped to its
   Debian package with `dpkg -S` (the path as printed and its real path, each with and without
   /usr, since Debian 12 merges /lib into /usr/lib); each package must be installed by the
   runtime stage, or be in the dependency closure of what it installs, or in the closure of
   debian:12-slim's own packages (Essential: yes or Priority: required). The closures are
   computed offline from this machine's dpkg database (`Depends` and `Pre-Depends`; the
   first alternative of `a | b`, as apt picks; version constraints and `:any` dropped; a
   virtual package resolved to its installed provider).
4. Every library the binary links directly (readelf -d, NEEDED) must come from a package the
   runtime stage names, except those in RELIED_ON_BASE (the C library), which every
   debian:12-slim has.
5. The default command: ENTRYPOINT and CMD run against the binary with the runtime stage's
   environment (its listeners moved to free loopback ports, its paths to the repository's
   files, the working directory a fresh one): the public listener answers /metrics and
   /internal/* 404, the internal one serves /internal/*, the metrics one /metrics.

Prints `ok - ...` or `not ok - ...` per check (details as `# ...`) and exits 1 if any failed.
"""

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

RUNTIME_BASE = "debian:12-slim"
BUILD_BASE = "debian:12"
BINARY_PATH = "/usr/local/bin/canopy"
POLICIES_PATH = "/usr/share/canopy/policies"
TENANTS_PATH = "/usr/share/canopy/tenants"
WORKDIR = "/var/lib/canopy"
# The listeners: the public port serves neither the gateway's /internal/* nor /metrics.
ENV_EXPECTED = {"CANOPY_POLICIES": POLICIES_PATH, "CANOPY_LISTEN": "0.0.0.0:8080",
                "CANOPY_INTERNAL_LISTEN": "0.0.0.0:8081", "CANOPY_METRICS_LISTEN": "0.0.0.0:9090",
                "CANOPY_RELOAD_URL": "http://127.0.0.1:8081"}
LISTEN_VARIABLES = ("CANOPY_LISTEN", "CANOPY_INTERNAL_LISTEN", "CANOPY_METRICS_LISTEN")
PORTS = {"8080", "8081", "9090"}

# Packages of the debian:12-slim base the runtime stage does not name although the binary links
# them directly, and why.
RELIED_ON_BASE = {
    "libc6": "the C library and the dynamic loader: every program in the base image, apt-get "
             "included, needs it, so no Debian image lacks it",
}

# BUILD_PACKAGES of scripts/lib.sh that the image's build stage leaves out, and why.
BUILD_EXCLUSIONS = {
    "mariadb-server": "a server: runs beside the image, not in it",
    "redis-server": "a server: runs beside the image, not in it",
    "mariadb-client": "the tests' client for their private MariaDB",
    "redis-tools": "the tests' client for their private Redis",
    "libgtest-dev": "tests are off (-DCANOPY_BUILD_TESTS=OFF)",
    "libgmock-dev": "tests are off (-DCANOPY_BUILD_TESTS=OFF)",
    "libbenchmark-dev": "benchmarks are off (-DCANOPY_BUILD_BENCH=OFF)",
    "sqlite3": "the sqlite3 shell: tests only",
    "curl": "the README walkthrough test only",
    "python3": "test and benchmark scripts only",
    "ccache": "an image build starts with an empty compiler cache",
    "git": "the build reads no git metadata (.git is not in the context)",
}
BUILD_EXTRAS = {"nodejs", "npm"}  # the UI (scripts/lib.sh installs them apart, when missing)

BUILD_TOOLS = {"g++", "gcc", "cpp", "c++", "clang", "cmake", "make", "ninja-build", "ccache",
               "build-essential", "pkg-config", "pkgconf", "nodejs", "npm", "git", "binutils"}
BUILD_TOOL_PREFIXES = ("g++-", "gcc-", "cpp-", "clang-", "llvm-", "binutils-")

SANITIZER_RUNTIMES = ("libasan.so", "libubsan.so", "libtsan.so", "liblsan.so", "libhwasan.so")

failures = 0


def ok(message):
    print(f"ok - {message}")


def not_ok(message):
    global failures
    failures += 1
    print(f"not ok - {message}")


def note(message):
    print(f"# {message}")


def check(condition, good, bad):
    if condition:
        ok(good)
    else:
        not_ok(bad)
    return condition


# ---------------------------------------------------------------------------------------------
# The Dockerfile


class Instruction:
    def __init__(self, line, keyword, args):
        self.line = line
        self.keyword = keyword
        self.args = args

    def __repr__(self):
        return f"line {self.line}: {self.keyword} {self.args}"


class Stage:
    def __init__(self, index, base, name, line):
        self.index = index
        self.base = base
        self.name = name
        self.line = line
        self.instructions = []

    def label(self):
        return f"stage {self.index} ({self.name or 'unnamed'}, FROM {self.base}, line {self.line})"

    def of(self, keyword):
        return [i for i in self.instructions if i.keyword == keyword]


def parse_dockerfile(text):
    """Instructions with continuations joined and comments dropped (backslash escape only)."""
    lines = text.split("\n")
    instructions = []
    i = 0
    at_top = True
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        if at_top and re.match(r"#\s*escape\s*=", stripped):
            if not re.match(r"#\s*escape\s*=\s*\\\s*$", stripped):
                raise ValueError(f"line {i + 1}: only the default escape character is supported")
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        at_top = False
        start = i + 1
        parts = []
        while True:
            body = lines[i].rstrip()
            if body.endswith("\\"):
                parts.append(body[:-1])
                i += 1
                # Comment and empty lines inside a continuation are dropped, as Docker does.
                while i < len(lines) and (not lines[i].strip() or lines[i].strip().startswith("#")):
                    i += 1
                if i >= len(lines):
                    break
            else:
                parts.append(body)
                i += 1
                break
        joined = " ".join(p.strip() for p in parts).strip()
        keyword, _, args = joined.partition(" ")
        if re.search(r"<<-?\s*[\"']?[A-Za-z_]+", args) and keyword.upper() in ("RUN", "COPY"):
            raise ValueError(f"line {start}: heredocs are not supported by this test")
        instructions.append(Instruction(start, keyword.upper(), args.strip()))
    return instructions


def split_stages(instructions):
    stages = []
    for ins in instructions:
        if ins.keyword == "FROM":
            words = [w for w in ins.args.split() if not w.startswith("--")]
            base = words[0] if words else ""
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(len(stages), base, name, ins.line))
        elif stages:
            stages[-1].instructions.append(ins)
    return stages


def image_matches(base, wanted):
    """debian:12-slim, or debian:12-slim@sha256:<digest>, optionally docker.io/library/ in front."""
    base = re.sub(r"^(docker\.io/)?(library/)?", "", base)
    return re.fullmatch(re.escape(wanted) + r"(@sha256:[0-9a-f]{64})?", base) is not None


def shell_commands(command):
    """Simple commands of a shell-form RUN: lists of words, split at && || ; | and newlines."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands, current = [], []
    for token in lexer:
        if token and set(token) <= set("&|;()"):
            if current:
                commands.append(current)
            current = []
        else:
            current.append(token)
    if current:
        commands.append(current)
    return commands


def run_words(ins):
    """The simple commands of a RUN instruction (exec form: one command)."""
    args = ins.args
    while args.startswith("--"):  # RUN --mount=... --network=...
        _, _, args = args.partition(" ")
        args = args.lstrip()
    if args.startswith("["):
        try:
            return [json.loads(args)]
        except ValueError:
            pass
    return shell_commands(args)


def apt_installs(stage):
    """(packages, flags) of every `apt-get install` / `apt install` in the stage's RUNs."""
    packages, flags = [], set()
    for ins in stage.of("RUN"):
        for words in run_words(ins):
            while words and (re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0])
                             or words[0] in ("sudo", "env")):
                words = words[1:]
            if not words or os.path.basename(words[0]) not in ("apt-get", "apt"):
                continue
            rest = words[1:]
            subcommand = None
            j = 0
            while j < len(rest):
                word = rest[j]
                if word in ("-o", "-t", "-c", "--option", "--target-release", "--config-file"):
                    flags.add(word)
                    j += 2
                    continue
                if word.startswith("-"):
                    flags.add(word)
                elif subcommand is None:
                    subcommand = word
                elif subcommand == "install":
                    packages.append(re.split(r"[=:/]", word)[0])
                j += 1
    return packages, flags


def parse_env(ins):
    values = {}
    words = shlex.split(ins.args)
    if words and "=" not in words[0]:  # legacy form: ENV KEY value with spaces
        values[words[0]] = " ".join(words[1:])
        return values
    for word in words:
        key, _, value = word.partition("=")
        values[key] = value
    return values


def parse_copy(ins):
    words = shlex.split(ins.args)
    if words and words[0].startswith("["):
        try:
            words = json.loads(ins.args)
        except ValueError:
            pass
    flags = {}
    while words and words[0].startswith("--"):
        key, _, value = words.pop(0)[2:].partition("=")
        flags[key] = value
    if len(words) < 2:
        return flags, [], None
    return flags, words[:-1], words[-1]


def norm(path):
    return "/" + path.strip("/") if path.strip("/") else "/"


def exec_form(ins):
    try:
        value = json.loads(ins.args)
    except ValueError:
        return None
    return value if isinstance(value, list) else None


# ---------------------------------------------------------------------------------------------
# Debian packages


def run(argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def path_candidates(path):
    """The path as printed and its real path, each with and without /usr (merged /usr)."""
    out = []
    for p in (path, os.path.realpath(path)):
        for q in (p, p[4:] if p.startswith("/usr/") else "/usr" + p):
            if q not in out:
                out.append(q)
    return out


def owning_package(path):
    for candidate in path_candidates(path):
        result = run(["dpkg-query", "-S", candidate])
        if result.returncode != 0:
            continue
        for line in result.stdout.splitlines():
            if line.startswith("diversion "):
                continue
            packages, sep, owned = line.rpartition(": ")
            if not sep or owned != candidate:
                continue
            names = [p.strip().split(":")[0] for p in packages.split(",") if p.strip()]
            if names:
                return names[0], candidate
    return None, None


def parse_relations(text):
    """Depends text to groups of alternatives, each name without version, arch or profile."""
    groups = []
    for group in text.split(","):
        alternatives = []
        for alternative in group.split("|"):
            alternative = re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", alternative).strip()
            if alternative:
                alternatives.append(alternative.split(":")[0])
        if alternatives:
            groups.append(alternatives)
    return groups


class PackageDb:
    """This machine's dpkg database: what is installed, what it depends on, what it provides."""

    def __init__(self):
        fmt = ("${Package}\t${db:Status-Abbrev}\t${Essential}\t${Priority}\t${Provides}\t"
               "${Pre-Depends}\t${Depends}\n")
        result = run(["dpkg-query", "-W", "-f", fmt])
        if result.returncode != 0 and not result.stdout:
            raise RuntimeError(f"dpkg-query -W failed: {result.stderr.strip()}")
        self.depends = {}
        self.provides = {}
        self.base_roots = set()
        for line in result.stdout.splitlines():
            fields = line.split("\t")
            if len(fields) != 7 or not fields[1].startswith("ii"):
                continue
            name, _, essential, priority, provides, pre_depends, depends = fields
            self.depends.setdefault(name, []).extend(
                parse_relations(pre_depends) + parse_relations(depends))
            for group in parse_relations(provides):
                for virtual in group:
                    self.provides.setdefault(virtual, set()).add(name)
            if essential == "yes" or priority == "required":
                self.base_roots.add(name)

    def choose(self, group):
        """What apt installs for a dependency group: its first alternative (a virtual one as its
        installed provider). None when this machine cannot tell."""
        first = group[0]
        if first in self.depends:
            return first
        providers = sorted(self.provides.get(first, ()))
        if providers:
            return providers[0]
        return first  # not installed here: apt would install it, its own dependencies unknown

    def closure(self, roots):
        """Every package installing `roots` brings, each with the package that pulled it in."""
        via = {root: None for root in roots}
        queue = list(roots)
        unknown = set()
        while queue:
            name = queue.pop(0)
            if name not in self.depends:
                unknown.add(name)
                continue
            for group in self.depends[name]:
                chosen = self.choose(group)
                if chosen and chosen not in via:
                    via[chosen] = name
                    queue.append(chosen)
        return via, unknown


def chain(via, name):
    links = [name]
    while via.get(links[-1]) is not None and len(links) < 20:
        links.append(via[links[-1]])
    return " <- ".join(links)


# ---------------------------------------------------------------------------------------------
# The default command


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def serve_as_image(binary, root, command, image_env):
    """Runs the image's default command as a container would, on loopback only; returns
    {listener: address} from its banner, the status of each route on each, and stderr."""
    with tempfile.TemporaryDirectory(prefix="canopy-image-") as workdir:
        env = {"PATH": "/usr/bin:/bin", "HOME": workdir}
        env.update(image_env)
        env["CANOPY_POLICIES"] = os.path.abspath(os.path.join(root, "policies"))
        for key in LISTEN_VARIABLES:
            if env.get(key):
                env[key] = "127.0.0.1:0"
        child = subprocess.Popen([os.path.abspath(binary)] + command, cwd=workdir, env=env, text=True,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        stderr = []
        threading.Thread(target=lambda: stderr.extend(child.stderr), daemon=True).start()
        timer = threading.Timer(60, child.kill)
        timer.start()
        try:
            banner = child.stdout.readline()
            listeners = {name: address for name, address in re.findall(
                r"(listening|internal routes|metrics) on http://([0-9.]+:\d+)", banner)}
            seen = {}
            for name, address in listeners.items():
                for path in ("/metrics", "/internal/v1/decisions", "/healthz"):
                    seen[(name, path)] = http_status(f"http://{address}{path}")
            return banner, listeners, seen, stderr
        finally:
            timer.cancel()
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()


def check_default_command(binary, root, entrypoint, command, image_env):
    if entrypoint != ["canopy"] or not command:
        not_ok("the default command cannot be run: ENTRYPOINT or CMD is not as expected")
        return
    banner, listeners, seen, stderr = serve_as_image(binary, root, command, image_env)
    if not check(set(listeners) == {"listening", "internal routes", "metrics"},
                 f"`canopy {' '.join(command)}` with the image's environment opens the public, "
                 "internal and metrics listeners",
                 f"`canopy {' '.join(command)}` with the image's environment: expected three "
                 f"listeners, banner {banner.strip()!r}; stderr:\n{''.join(stderr)}"):
        return
    wanted = {
        ("listening", "/metrics"): 404, ("listening", "/internal/v1/decisions"): 404,
        ("listening", "/healthz"): 200,
        ("internal routes", "/internal/v1/decisions"): 401, ("internal routes", "/metrics"): 404,
        ("metrics", "/metrics"): 200, ("metrics", "/internal/v1/decisions"): 404,
    }
    wrong = [f"{name} {path}: {seen[(name, path)]}, not {status}"
             for (name, path), status in wanted.items() if seen[(name, path)] != status]
    check(not wrong, "the default command's public port answers /metrics and /internal/* 404; "
          "the internal port serves decisions (401 without the token), the metrics port /metrics",
          "the default command's listeners serve the wrong routes: " + "; ".join(wrong))


# ---------------------------------------------------------------------------------------------


def main():
    if len(sys.argv) != 3:
        print("usage: image_test.sh CANOPY_BINARY REPO_ROOT", file=sys.stderr)
        return 2
    binary, root = sys.argv[1], sys.argv[2]
    dockerfile = os.path.join(root, "Dockerfile")

    # -- the Dockerfile ------------------------------------------------------------------------
    try:
        with open(dockerfile, encoding="utf-8") as f:
            stages = split_stages(parse_dockerfile(f.read()))
    except (OSError, ValueError) as e:
        not_ok(f"Dockerfile cannot be read: {e}")
        return 1
    if not check(len(stages) >= 2, f"Dockerfile has {len(stages)} stages",
                 f"Dockerfile has {len(stages)} stage(s); a build stage and a runtime stage are "
                 "needed"):
        return 1
    runtime = stages[-1]
    earlier = {s.name: s for s in stages[:-1] if s.name}
    earlier.update({str(s.index): s for s in stages[:-1]})

    check(image_matches(runtime.base, RUNTIME_BASE),
          f"runtime stage (last FROM, line {runtime.line}) is FROM {runtime.base}",
          f"runtime stage (last FROM, line {runtime.line}) is FROM {runtime.base}, not "
          f"{RUNTIME_BASE} (a digest may follow the tag)")

    # The binary, copied from the build stage.
    build = None
    for ins in runtime.of("COPY"):
        flags, sources, dest = parse_copy(ins)
        if "from" in flags and dest and (norm(dest) == BINARY_PATH or (
                dest.endswith("/") and norm(dest) == os.path.dirname(BINARY_PATH)
                and any(os.path.basename(s.rstrip("/")) == "canopy" for s in sources))):
            build = earlier.get(flags["from"])
    if check(build is not None, f"the binary is copied from the build stage to {BINARY_PATH}",
             f"no `COPY --from=<build stage> ... {BINARY_PATH}` in the runtime stage"):
        check(image_matches(build.base, BUILD_BASE), f"build {build.label()} is FROM {BUILD_BASE}",
              f"build {build.label()} is not FROM {BUILD_BASE}")
        build_packages, _ = apt_installs(build)
        lib = run(["bash", "-c", 'source "$1/scripts/lib.sh" && printf "%s\\n" '
                   '"${BUILD_PACKAGES[@]}"', "bash", root])
        listed = set(lib.stdout.split())
        if check(lib.returncode == 0 and listed, "scripts/lib.sh lists BUILD_PACKAGES",
                 f"cannot read BUILD_PACKAGES from scripts/lib.sh: {lib.stderr.strip()}"):
            stray = sorted(set(build_packages) - listed - BUILD_EXTRAS)
            check(not stray, "the build stage installs only BUILD_PACKAGES and nodejs, npm",
                  f"the build stage installs {', '.join(stray)}, not in scripts/lib.sh's "
                  "BUILD_PACKAGES")
            missing = sorted(listed - set(build_packages) - set(BUILD_EXCLUSIONS))
            check(not missing,
                  "the build stage installs every BUILD_PACKAGES entry the build needs "
                  f"({len(set(build_packages) & listed)} of {len(listed)}; left out: "
                  f"{', '.join(sorted(listed & set(BUILD_EXCLUSIONS)))})",
                  f"BUILD_PACKAGES has {', '.join(missing)}, which the build stage does not "
                  "install: add it there, or to BUILD_EXCLUSIONS in tests/image/image_test.py "
                  "with the reason")
            check(BUILD_EXTRAS <= set(build_packages), "the build stage installs nodejs and npm",
                  "the build stage does not install nodejs and npm, which build the UI")
        build_runs = " ".join(i.args for i in build.of("RUN"))
        check(re.search(r"-DCANOPY_WEB=ON\b", build_runs) is not None,
              "the build stage configures with -DCANOPY_WEB=ON (the UI embedded)",
              "the build stage does not configure with -DCANOPY_WEB=ON")

    # Runtime packages.
    runtime_packages, runtime_flags = apt_installs(runtime)
    check(bool(runtime_packages),
          f"runtime stage installs: {' '.join(runtime_packages)}",
          "runtime stage installs no package with apt-get install")
    check("ca-certificates" in runtime_packages, "runtime stage installs ca-certificates",
          "runtime stage does not install ca-certificates")
    check("--no-install-recommends" in runtime_flags,
          "runtime apt-get install uses --no-install-recommends",
          "runtime apt-get install lacks --no-install-recommends")
    runtime_runs = [i.args for i in runtime.of("RUN")]
    check(any(re.search(r"rm\s+-[rf]+\s+/var/lib/apt/lists", r) for r in runtime_runs),
          "runtime stage removes /var/lib/apt/lists",
          "runtime stage does not remove /var/lib/apt/lists")
    tools = sorted(p for p in runtime_packages
                   if p.endswith("-dev") or p in BUILD_TOOLS or p.startswith(BUILD_TOOL_PREFIXES))
    check(not tools, "runtime stage installs no compiler, build tool or -dev package",
          f"runtime stage installs build-time packages: {', '.join(tools)}")

    # User, paths, environment, ports, entrypoint.
    users = runtime.of("USER")
    user = users[-1].args if users else ""
    uid, _, gid = user.partition(":")
    numeric = bool(re.fullmatch(r"\d+", uid)) and (not gid or bool(re.fullmatch(r"\d+", gid)))
    check(numeric and int(uid) != 0 and (not gid or int(gid) != 0),
          f"runtime stage runs as USER {user} (numeric, not root)",
          f"runtime stage USER is {user or 'not set (root)'}: it must be numeric (uid[:gid]) "
          "and not 0")
    workdirs = runtime.of("WORKDIR")
    check(bool(workdirs) and norm(workdirs[-1].args) == WORKDIR, f"WORKDIR {WORKDIR}",
          f"runtime WORKDIR is {workdirs[-1].args if workdirs else 'not set'}, not {WORKDIR}")
    owned = numeric and any(
        WORKDIR in r and re.search(rf"(-o\s+{uid}\b|chown\s+(-R\s+)?{uid}\b)", r)
        for r in runtime_runs)
    check(owned, f"{WORKDIR} is made owned by uid {uid}",
          f"no RUN in the runtime stage makes {WORKDIR} owned by uid {uid or '?'} "
          "(install -d -o UID ... or chown UID ...)")

    copies = [parse_copy(i) for i in runtime.of("COPY")]
    for name, path in (("policies", POLICIES_PATH), ("tenants", TENANTS_PATH)):
        found = any(dest and norm(dest) == path
                    and any(os.path.basename(s.rstrip("/")) == name for s in sources)
                    for _, sources, dest in copies)
        check(found, f"{name}/ is copied to {path}",
              f"no COPY of {name}/ to {path} in the runtime stage")

    env = {}
    for ins in runtime.of("ENV"):
        env.update(parse_env(ins))
    for key, value in ENV_EXPECTED.items():
        check(env.get(key) == value, f"ENV {key}={value}",
              f"ENV {key} is {env.get(key)!r}, not {value!r}")

    exposed = set()
    for ins in runtime.of("EXPOSE"):
        exposed.update(p.split("/")[0] for p in ins.args.split())
    check(PORTS <= exposed, f"EXPOSE {' '.join(sorted(exposed))}",
          f"EXPOSE lacks {', '.join(sorted(PORTS - exposed))}")

    default_command = {}
    for keyword, wanted in (("ENTRYPOINT", ["canopy"]), ("CMD", ["serve"])):
        found = runtime.of(keyword)
        value = exec_form(found[-1]) if found else None
        default_command[keyword] = value
        check(value == wanted, f"{keyword} {json.dumps(wanted)}",
              f"{keyword} is {found[-1].args if found else 'not set'}, not exactly "
              f"{json.dumps(wanted)} (exec form)")

    # .dockerignore
    try:
        with open(os.path.join(root, ".dockerignore"), encoding="utf-8") as f:
            ignored = {line.strip().rstrip("/").lstrip("/") for line in f
                       if line.strip() and not line.startswith("#")}
    except OSError:
        ignored = set()
    wanted = {"build": {"build", "build*"}, "node_modules": {"**/node_modules"},
              "var": {"var"}, ".git": {".git"}}
    lacking = [k for k, forms in wanted.items() if not forms & ignored]
    check(not lacking, ".dockerignore keeps build, **/node_modules, var and .git out of the context",
          f".dockerignore lacks {', '.join(lacking)}")

    # -- the libraries -------------------------------------------------------------------------
    debian = ""
    try:
        with open("/etc/debian_version", encoding="utf-8") as f:
            debian = f.read().strip()
    except OSError:
        pass
    if not check(debian.startswith("12"), f"this machine is Debian {debian}, as the image",
                 f"this machine is not Debian 12 ({debian or 'no /etc/debian_version'}): its "
                 "packages say nothing about the image's"):
        return 1
    if not check(os.access(binary, os.X_OK), f"binary {binary}", f"no executable at {binary}"):
        return 1

    ldd = run(["ldd", binary])
    libraries = []  # (name, path)
    not_found = []
    for line in ldd.stdout.splitlines():
        line = line.strip()
        m = re.match(r"(\S+)\s+=>\s+not found", line)
        if m:
            not_found.append(m.group(1))
            continue
        m = re.match(r"(\S+)\s+=>\s+(/\S+)\s+\(0x[0-9a-f]+\)", line)
        if m:
            libraries.append((m.group(1), m.group(2)))
            continue
        m = re.match(r"(/\S+)\s+\(0x[0-9a-f]+\)", line)
        if m:
            libraries.append((os.path.basename(m.group(1)), m.group(1)))
    if "not a dynamic executable" in ldd.stdout + ldd.stderr:
        ok("the binary is static: it needs no shared library")
    elif not check(ldd.returncode == 0 and not not_found,
                   f"ldd resolves all {len(libraries)} libraries",
                   f"ldd {binary} failed or did not find: {', '.join(not_found) or ldd.stderr.strip()}"):
        return 1

    owners = {}  # library path -> its package
    for soname, path in libraries:
        owners[path] = owning_package(path)[0]
    db = PackageDb()
    named = set(runtime_packages)
    # The packages that own a library first, so that a chain names the library that needs it.
    roots = sorted(runtime_packages, key=lambda p: p not in owners.values())
    installed_via, unknown = db.closure(roots)
    base_via, _ = db.closure(sorted(db.base_roots))
    for name in sorted(unknown & named):
        note(f"{name} is not installed on this machine: its dependencies are not counted")

    readelf = run(["readelf", "-d", binary])
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", readelf.stdout))
    check(readelf.returncode == 0 and needed,
          f"readelf: the binary links {len(needed)} libraries directly",
          f"readelf -d {binary} failed: {readelf.stderr.strip()}")

    relied = {}
    for soname, path in libraries:
        if soname.startswith(SANITIZER_RUNTIMES):
            note(f"{soname}: a sanitizer runtime (CANOPY_SANITIZE); the image's build uses none")
            continue
        package = owners[path]
        where = f"{soname} ({path})"
        if package is None:
            not_ok(f"{where}: no Debian package owns it (dpkg -S of "
                   f"{', '.join(path_candidates(path))})")
            continue
        direct = soname in needed
        if package in named:
            ok(f"{where}: {package}, installed by the runtime stage")
        elif package in installed_via:
            ok(f"{where}: {package}, brought by the runtime stage's packages "
               f"({chain(installed_via, package)})")
        elif package in base_via:
            ok(f"{where}: {package}, in {RUNTIME_BASE}'s base ({chain(base_via, package)})")
        else:
            not_ok(f"{where} comes from {package}, which the runtime stage does not install "
                   f"(add {package} to its apt-get install)")
            continue
        if direct and package not in named:
            if package in RELIED_ON_BASE:
                relied[package] = relied.get(package, []) + [soname]
            else:
                not_ok(f"{soname} is linked directly by the binary: name its package {package} "
                       "in the runtime stage's apt-get install (or add it to RELIED_ON_BASE "
                       "with the reason)")
    for package, sonames in sorted(relied.items()):
        note(f"relied on from {RUNTIME_BASE}: {package} ({', '.join(sonames)}): "
             f"{RELIED_ON_BASE[package]}")

    # -- the default command -------------------------------------------------------------------
    check_default_command(binary, root, default_command["ENTRYPOINT"], default_command["CMD"], env)

    if failures:
        print(f"# {failures} check(s) failed")
        return 1
    print("# every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
