"""Download UCDP GED for real users: checked, cached, and never needed by the tests.

``sahelmodel fetch ucdp`` downloads the global GED CSV archive from UCDP's download page
(CC BY 4.0; cite Sundberg & Melander 2013 and the release's codebook), checks it and keeps it in
a cache folder (``$SAHELMODEL_CACHE`` or ``~/.cache/sahelmodel``). Before anything is kept or
returned, a fresh download and a cached copy alike must pass every check that can be made
without trusting the file itself:

* the byte size UCDP published for the release (:data:`UCDP_RELEASES`), where known;
* the SHA-256 the user pins with ``--sha256`` (or one pinned in :data:`UCDP_RELEASES`), where
  given: the only check that tells a genuine archive from a well-formed forgery;
* the archive is a zip whose members all pass their CRC checks;
* it holds the release's event CSV under its published name;
* that CSV starts with GED's header (``id, ..., date_start, ..., best, ...``) and has at least
  the release's minimum number of rows.

A download's own hash is never turned into a pin: the first download may be the tampered one,
and pinning it would then refuse the genuine file forever. To pin, compare the hash of your
copy with one you trust (``sha256sum ged251-csv.zip``) and pass it with ``--sha256``. Hash files
(``<file>.sha256``) written by earlier versions of this command are ignored.

The download goes to a temporary file and is moved into place only after the checks pass.
Without a network connection the command says so in one line. The returned zip is read as
is by :func:`sahelmodel.read_ucdp_ged`.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GED_COLUMNS", "UCDP_RELEASES", "FetchError", "UcdpRelease", "cache_dir", "fetch_ucdp",
           "verify_archive"]


@dataclass(frozen=True)
class UcdpRelease:
    """Where a UCDP GED release is published and what its archive must look like."""

    version: str
    url: str
    member: str
    bytes: int | None = None
    sha256: str | None = None
    min_rows: int = 1


#: Columns the event CSV of every GED release starts with (a subset, in any order).
GED_COLUMNS = ("id", "date_start", "type_of_violence", "side_a", "side_b", "best", "country",
               "latitude", "longitude")


#: Known releases. Sizes are those UCDP served (HTTP Content-Length of the published archive);
#: a SHA-256 is pinned only where one was published or confirmed independently (none yet).
#: ``min_rows`` is a floor well below the releases' event counts (over 300,000 each), so a
#: truncated or substituted CSV is refused without guessing the exact count.
UCDP_RELEASES: dict[str, UcdpRelease] = {
    "25.1": UcdpRelease(
        "25.1", "https://ucdp.uu.se/downloads/ged/ged251-csv.zip", "GEDEvent_v25_1.csv",
        bytes=29_307_888, min_rows=250_000,
    ),
    "24.1": UcdpRelease(
        "24.1", "https://ucdp.uu.se/downloads/ged/ged241-csv.zip", "GEDEvent_v24_1.csv",
        min_rows=250_000,
    ),
}

DEFAULT_RELEASE = "25.1"


class FetchError(RuntimeError):
    """A download failed or did not pass its checks; the message says why in one line."""


def cache_dir() -> Path:
    """The cache folder: ``$SAHELMODEL_CACHE`` or ``~/.cache/sahelmodel``."""
    env = os.environ.get("SAHELMODEL_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "sahelmodel"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _check_member(archive: zipfile.ZipFile, path: Path, release: UcdpRelease) -> int:
    """Read the event CSV through once: CRC, header and row count. Returns the rows."""
    newlines, first, tail = 0, b"", b"\n"
    try:
        with archive.open(release.member) as member:
            while block := member.read(1 << 20):
                if len(first) < 65536:
                    first += block[: 65536 - len(first)]
                newlines += block.count(b"\n")
                tail = block[-1:]
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
        raise FetchError(f"{path}: {release.member} is damaged ({exc}); delete it and fetch "
                         "again") from None
    line = first.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").strip()
    header = {h.strip().strip('"').lower() for h in line.split(",")}
    missing = [c for c in GED_COLUMNS if c not in header]
    if missing:
        raise FetchError(f"{path}: {release.member} does not start with UCDP GED's header "
                         f"(no {', '.join(missing)}); it is not the GED event file")
    rows = newlines - 1 + (tail != b"\n")
    if rows < release.min_rows:
        raise FetchError(f"{path}: {release.member} has {rows} rows, but UCDP GED "
                         f"{release.version} has over {release.min_rows}; the file is "
                         "truncated or not the release")
    return rows


def verify_archive(path: Path, release: UcdpRelease, expected_sha: str | None) -> str:
    """Run every check of the module docstring on a zip; return its SHA-256.

    Raises
    ------
    FetchError
        Naming the first check that failed.
    """
    size = path.stat().st_size
    if release.bytes is not None and size != release.bytes:
        raise FetchError(f"{path}: {size} bytes, but UCDP GED {release.version} has "
                         f"{release.bytes}; delete it and fetch again")
    digest = _sha256(path)
    if expected_sha is not None and digest != expected_sha.lower():
        raise FetchError(f"{path}: SHA-256 {digest} does not match the expected {expected_sha}")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if release.member not in names:
                raise FetchError(f"{path} does not hold {release.member} "
                                 f"(holds {', '.join(names) or 'nothing'})")
            bad = archive.testzip() if len(names) > 1 else None
            if bad is not None:
                raise FetchError(f"{path}: member {bad} is damaged (CRC mismatch)")
            _check_member(archive, path, release)
    except zipfile.BadZipFile:
        raise FetchError(f"{path} is not a zip archive (a proxy or error page?)") from None
    return digest


def _expected(sha256: str | None, release: UcdpRelease) -> str | None:
    expected = sha256 or release.sha256
    if expected is not None:
        expected = expected.strip().lower()
        if len(expected) != 64 or any(c not in "0123456789abcdef" for c in expected):
            raise FetchError(f"--sha256 must be 64 hexadecimal digits, got {sha256!r}")
    return expected


def fetch_ucdp(
    *,
    version: str = DEFAULT_RELEASE,
    cache: str | Path | None = None,
    force: bool = False,
    sha256: str | None = None,
    progress: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Download (or find in the cache) a UCDP GED release and return the path of its zip.

    Parameters
    ----------
    version : str
        Release, a key of :data:`UCDP_RELEASES`.
    cache : path, optional
        Cache folder (default :func:`cache_dir`).
    force : bool
        Download again even when a verified copy is cached.
    sha256 : str, optional
        Expected SHA-256 of the archive (overrides one pinned in :data:`UCDP_RELEASES`).
        Without it the archive is checked for size, integrity, member name, header and row
        count, which a forgery made to pass them would pass.
    progress : bool
        Show a progress bar.
    timeout : float
        Seconds to wait for the server.

    Returns
    -------
    pathlib.Path
        The verified ``ged<version>-csv.zip``; read it with ``read_ucdp_ged``.

    Raises
    ------
    FetchError
        Offline, or a check failed (the message names it); a failed download is not kept.
    """
    if version not in UCDP_RELEASES:
        raise FetchError(f"unknown UCDP GED release {version!r}; known: "
                         f"{', '.join(UCDP_RELEASES)}")
    release = UCDP_RELEASES[version]
    folder = Path(cache).expanduser() if cache is not None else cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(release.url).name
    expected = _expected(sha256, release)
    if target.is_file() and not force:
        verify_archive(target, release, expected)
        return target

    tmp = target.with_name(f".{target.name}.part")
    try:
        request = urllib.request.Request(release.url, headers={"User-Agent": "sahelmodel"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            from tqdm.auto import tqdm

            with open(tmp, "wb") as out, tqdm(total=total, unit="B", unit_scale=True,
                                              desc=target.name,
                                              disable=None if progress else True) as bar:
                while block := response.read(1 << 16):
                    out.write(block)
                    bar.update(len(block))
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        tmp.unlink(missing_ok=True)
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"cannot download {release.url} ({reason}); are you offline? "
                         "Download it by hand and put it in "
                         f"{folder}") from None
    except BaseException:  # interrupted, disk full: leave no partial file behind
        tmp.unlink(missing_ok=True)
        raise
    try:
        verify_archive(tmp, release, expected)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)
    return target
