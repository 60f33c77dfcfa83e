"""The model download against a local HTTP server on 127.0.0.1: checksum, unsafe archives, resuming."""
from __future__ import annotations

import hashlib
import http.server
import io
import stat
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from voice_triage.voice.download import EXIT_ARCHIVE, EXIT_CHECKSUM, EXIT_IO, EXIT_OK, main


def make_zip(entries: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    """A zip with files (and optional symbolic links) at the given names."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return buf.getvalue()


GOOD = make_zip({"model/am/final.mdl": b"acoustic" * 5000, "model/conf/model.conf": b"--beam=10\n"})


class Server:
    """Serves `files` by path; supports Range; can cut the first transfer of a file short."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.cut_after: int | None = None
        self.ranges: list[str | None] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                data = outer.files.get(self.path)
                outer.ranges.append(self.headers.get("Range"))
                if data is None:
                    self.send_error(404)
                    return
                start = int(self.headers["Range"].split("=")[1].rstrip("-")) if self.headers.get("Range") else 0
                self.send_response(206 if start else 200)
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                body = data[start:]
                if outer.cut_after is not None:
                    body, outer.cut_after = body[:outer.cut_after], None  # drop the connection mid-file once
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.httpd.shutdown()


def run(server: Server, target: Path, data: bytes, sha: str | None = None, *extra: str) -> tuple[int, str]:
    """Serve `data` as /m.zip and run the download command; returns exit code and stderr text."""
    server.files["/m.zip"] = data
    err = io.StringIO()
    code = main(["--url", server.url + "/m.zip", "--sha256", sha or hashlib.sha256(data).hexdigest(),
                 "--target", str(target), *extra], stderr=err)
    return code, err.getvalue()


def test_good_download_is_verified_and_extracted(server: Server, tmp_path: Path) -> None:
    target = tmp_path / "models" / "m"
    code, err = run(server, target, GOOD)
    assert code == EXIT_OK, err
    assert (target / "am" / "final.mdl").read_bytes() == b"acoustic" * 5000
    assert "100%" in err  # the progress bar went to stderr
    assert sorted(p.name for p in target.parent.iterdir()) == ["m"]  # no temp folder or .part left


def test_rerun_when_installed_does_nothing(server: Server, tmp_path: Path) -> None:
    target = tmp_path / "m"
    assert run(server, target, GOOD)[0] == EXIT_OK
    server.ranges.clear()
    code, err = run(server, target, GOOD)
    assert code == EXIT_OK and "already installed" in err and server.ranges == []


def test_bad_checksum_is_refused_and_leaves_nothing(server: Server, tmp_path: Path) -> None:
    target = tmp_path / "m"
    code, err = run(server, target, GOOD, "0" * 64)
    assert code == EXIT_CHECKSUM and "checksum mismatch" in err and len(err.strip().splitlines()[-1]) < 300
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("entries, links", [
    ({"model/ok.txt": b"x", "../evil.txt": b"x"}, None),
    ({"model/ok.txt": b"x", "model/../../evil.txt": b"x"}, None),
    ({"/abs/evil.txt": b"x"}, None),
    ({"model/ok.txt": b"x"}, {"model/link": "/etc/passwd"}),
])
def test_unsafe_archive_is_refused(server: Server, tmp_path: Path, entries: dict, links: dict | None) -> None:
    target = tmp_path / "models" / "m"
    code, err = run(server, target, make_zip(entries, links))
    assert code == EXIT_ARCHIVE and ("unsafe path" in err or "symbolic link" in err)
    assert not target.exists() and not (tmp_path / "evil.txt").exists()
    assert [p.name for p in target.parent.iterdir()] == []  # no temp folder, no .part


def test_interrupted_transfer_then_rerun_resumes(server: Server, tmp_path: Path) -> None:
    target = tmp_path / "m"
    server.cut_after = 10_000
    code, err = run(server, target, GOOD)
    assert code == EXIT_IO and "run the command again" in err
    part = tmp_path / "m.zip.part"
    assert part.exists() and part.stat().st_size == 10_000 and not target.exists()
    code, err = run(server, target, GOOD)
    assert code == EXIT_OK, err
    assert server.ranges[-1] == "bytes=10000-"  # resumed, not restarted
    assert (target / "conf" / "model.conf").read_bytes() == b"--beam=10\n"


def test_server_error_and_unreachable_server(server: Server, tmp_path: Path) -> None:
    err = io.StringIO()
    assert main(["--url", server.url + "/missing.zip", "--target", str(tmp_path / "m")], stderr=err) == EXIT_IO
    assert "404" in err.getvalue()
    assert main(["--url", "http://127.0.0.1:9/x.zip", "--target", str(tmp_path / "n"), "--quiet"],
                stderr=err) == EXIT_IO


def test_force_replaces_an_existing_copy(server: Server, tmp_path: Path) -> None:
    target = tmp_path / "m"
    target.mkdir()
    (target / "old.txt").write_text("old")
    assert run(server, target, GOOD, None, "--force")[0] == EXIT_OK
    assert not (target / "old.txt").exists() and (target / "am" / "final.mdl").exists()
