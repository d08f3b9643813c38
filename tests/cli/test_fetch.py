"""Issue 14 item 11: ``fetch ucdp`` verifies what can be verified and never pins a download."""

from __future__ import annotations

import hashlib
import io
import typing
import zipfile

import pytest

import sahelmodel.cli.fetch as fetch_mod
from sahelmodel import read_ucdp_ged
from sahelmodel.cli import main

HEADER = ("id,relid,year,active_year,type_of_violence,conflict_new_id,side_a,side_b,"
          "where_coordinates,adm_1,country,latitude,longitude,date_prec,date_start,date_end,"
          "best,high,low\n")


def ged_csv(n: int, side: str = "JNIM") -> bytes:
    rows = "".join(f"{i},X-{i},2020,1,2,{i},IS,{side},Gao,Gao region,Mali,15.9,0.5,1,"
                   f"2020-05-{i % 28 + 1:02d},2020-05-{i % 28 + 1:02d},3,4,2\n"
                   for i in range(1, n + 1))
    return (HEADER + rows).encode()


def ged_zip(member: str = "GED.csv", body: bytes | None = None, *,
            stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr(member, ged_csv(30) if body is None else body)
    return buffer.getvalue()


class Response(io.BytesIO):
    headers: typing.ClassVar[dict] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def release(monkeypatch):
    rel = fetch_mod.UcdpRelease("9.9", "https://example.invalid/ged99-csv.zip", "GED.csv",
                                min_rows=20)
    monkeypatch.setitem(fetch_mod.UCDP_RELEASES, "9.9", rel)
    return rel


def serve(monkeypatch, payload: bytes) -> None:
    monkeypatch.setattr(fetch_mod.urllib.request, "urlopen", lambda *a, **k: Response(payload))


def get(cache, **kw):
    return fetch_mod.fetch_ucdp(version="9.9", cache=cache, progress=False, **kw)


def test_first_download_is_never_pinned(tmp_path, monkeypatch, release):
    tampered, genuine = ged_zip(body=ged_csv(30, "Tampered")), ged_zip()
    serve(monkeypatch, tampered)
    path = get(tmp_path)
    assert path.read_bytes() == tampered
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ged99-csv.zip"]  # no hash file
    # the genuine file replaces it with --force, and is then used from the cache
    serve(monkeypatch, genuine)
    assert get(tmp_path, force=True).read_bytes() == genuine
    assert get(tmp_path).read_bytes() == genuine
    # a hash file left by an older version (pinning the tampered copy) is ignored
    (tmp_path / "ged99-csv.zip.sha256").write_text(hashlib.sha256(tampered).hexdigest())
    assert get(tmp_path).read_bytes() == genuine


def test_user_pinned_checksum(tmp_path, monkeypatch, release):
    genuine = ged_zip()
    pin = hashlib.sha256(genuine).hexdigest()
    serve(monkeypatch, ged_zip(body=ged_csv(30, "Tampered")))
    with pytest.raises(fetch_mod.FetchError, match="does not match the expected"):
        get(tmp_path, sha256=pin)
    assert not list(tmp_path.iterdir())  # a refused download is not kept
    serve(monkeypatch, genuine)
    assert get(tmp_path, sha256=pin.upper()).read_bytes() == genuine
    with pytest.raises(fetch_mod.FetchError, match="64 hexadecimal"):
        get(tmp_path, sha256="abc")


def corrupt(payload: bytes) -> bytes:
    data = bytearray(payload)
    at = data.index(b"IS,JNIM") + 3
    data[at] ^= 0x20  # one byte of the stored member: the CRC no longer matches
    return bytes(data)


@pytest.mark.parametrize(("payload", "message"), [
    (b"<html>blocked</html>", "not a zip"),
    (ged_zip("OTHER.csv"), "does not hold GED.csv"),
    (ged_zip(body=b"a,b\n" + b"1,2\n" * 40), "does not start with UCDP GED's header"),
    (ged_zip(body=ged_csv(5)), "has 5 rows, but UCDP GED 9.9 has over 20"),
    (corrupt(ged_zip(stored=True)), "is damaged"),
])
def test_bad_downloads_refused_and_not_kept(tmp_path, monkeypatch, release, payload, message):
    serve(monkeypatch, payload)
    with pytest.raises(fetch_mod.FetchError, match=message):
        get(tmp_path)
    assert not list(tmp_path.iterdir())


def test_published_size_checked(tmp_path, monkeypatch):
    rel = fetch_mod.UcdpRelease("9.8", "https://example.invalid/ged98-csv.zip", "GED.csv",
                                bytes=10, min_rows=1)
    monkeypatch.setitem(fetch_mod.UCDP_RELEASES, "9.8", rel)
    serve(monkeypatch, ged_zip())
    with pytest.raises(fetch_mod.FetchError, match=r"bytes, but UCDP GED 9\.8 has 10"):
        fetch_mod.fetch_ucdp(version="9.8", cache=tmp_path, progress=False)


def test_cached_copy_changed_on_disk_is_checked_again(tmp_path, monkeypatch, release):
    serve(monkeypatch, ged_zip())
    path = get(tmp_path)
    path.write_bytes(ged_zip(body=ged_csv(3)))
    with pytest.raises(fetch_mod.FetchError, match="has 3 rows"):
        get(tmp_path)


def test_cli_bad_pin_is_one_line(tmp_path, monkeypatch, capsys, release):
    monkeypatch.setattr(fetch_mod, "DEFAULT_RELEASE", "9.9")
    serve(monkeypatch, ged_zip())
    code = main(["fetch", "ucdp", "--cache", str(tmp_path), "--quiet", "--release", "24.1",
                 "--sha256", "xyz"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "64 hexadecimal" in err


def test_reader_accepts_the_downloaded_zip(tmp_path, monkeypatch, release):
    serve(monkeypatch, ged_zip())
    table = read_ucdp_ged(get(tmp_path))
    assert len(table) == 30 and table.report.n_rejected == 0
    assert set(table.frame["actor1"]) == {"is_sahel"}
    assert table.report.source.endswith("ged99-csv.zip")
