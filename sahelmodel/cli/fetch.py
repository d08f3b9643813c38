"""Download UCDP GED for real users: checked, cached, and never needed by the tests.

``sahelmodel fetch ucdp`` downloads the global GED CSV archive from UCDP's download page
(CC BY 4.0; cite Sundberg & Melander 2013 and the release's codebook), checks it and keeps it in
a cache folder (``$SAHELMODEL_CACHE`` or ``~/.cache/sahelmodel``). The checks are:

* the byte size UCDP published for the release (:data:`UCDP_RELEASES`), where known;
* the SHA-256 pinned in :data:`UCDP_RELEASES` or given with ``--sha256``, where known;
* otherwise the SHA-256 measured at the first download is written next to the file
  (``<file>.sha256``) and every later call verifies the cached file against it, so a cache
  that changes on disk is detected;
* the archive must be a readable zip holding the release's event CSV.

The download goes to a temporary file and is moved into place only after the checks pass.
Without a network connection the command says so in one line.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["UCDP_RELEASES", "FetchError", "UcdpRelease", "cache_dir", "fetch_ucdp"]


@dataclass(frozen=True)
class UcdpRelease:
    """Where a UCDP GED release is published and what its archive must look like."""

    version: str
    url: str
    member: str
    bytes: int | None = None
    sha256: str | None = None


#: Known releases. Sizes are those UCDP served (HTTP Content-Length of the published archive);
#: a SHA-256 is pinned only where it was measured on a download.
UCDP_RELEASES: dict[str, UcdpRelease] = {
    "25.1": UcdpRelease(
        "25.1", "https://ucdp.uu.se/downloads/ged/ged251-csv.zip", "GEDEvent_v25_1.csv",
        bytes=29_307_888,
    ),
    "24.1": UcdpRelease(
        "24.1", "https://ucdp.uu.se/downloads/ged/ged241-csv.zip", "GEDEvent_v24_1.csv",
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


def _check(path: Path, release: UcdpRelease, expected_sha: str | None) -> str:
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
    except zipfile.BadZipFile:
        raise FetchError(f"{path} is not a zip archive (a proxy or error page?)") from None
    if release.member not in names:
        raise FetchError(f"{path} does not hold {release.member} (holds {', '.join(names)})")
    return digest


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
        Expected SHA-256 of the archive (overrides the pinned one).
    progress : bool
        Show a progress bar.
    timeout : float
        Seconds to wait for the server.

    Returns
    -------
    pathlib.Path
        The verified ``ged<version>-csv.zip``; read it with ``read_ucdp_ged``.
    """
    if version not in UCDP_RELEASES:
        raise FetchError(f"unknown UCDP GED release {version!r}; known: "
                         f"{', '.join(UCDP_RELEASES)}")
    release = UCDP_RELEASES[version]
    folder = Path(cache).expanduser() if cache is not None else cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(release.url).name
    pin = folder / (target.name + ".sha256")
    expected = sha256 or release.sha256
    if expected is None and pin.is_file():
        expected = pin.read_text().split()[0]
    if target.is_file() and not force:
        _check(target, release, expected)
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
    try:
        digest = _check(tmp, release, expected)
    except FetchError:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)
    if not pin.is_file() or force:
        pin.write_text(f"{digest}  {target.name}\n")
    return target
