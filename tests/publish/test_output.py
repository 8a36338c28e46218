"""statuskit.publish.output on its own: the marker, the kinds, and what replacing() writes."""

from __future__ import annotations

import pytest

from statuskit.errors import StatuskitError
from statuskit.publish.output import MARKER, output_kind, replacing, write_files


def test_replacing_marks_the_new_folder_before_anything_is_written(tmp_path):
    with replacing(tmp_path / "preview", kind="preview") as tmp:
        assert (tmp / MARKER).read_text() == "statuskit preview v1\n"
        write_files(tmp, {"index.html": "<p>x</p>"})
    assert output_kind(tmp_path / "preview") == "preview"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["preview"]


def test_output_kind_reads_only_statuskits_own_marker(tmp_path):
    assert output_kind(tmp_path) is None
    (tmp_path / MARKER).write_text("statuskit site v1\nand more\n")
    assert output_kind(tmp_path) is None
    (tmp_path / MARKER).unlink()
    (tmp_path / "elsewhere").write_text("statuskit site v1\n")
    (tmp_path / MARKER).symlink_to(tmp_path / "elsewhere")
    assert output_kind(tmp_path) is None
    (tmp_path / MARKER).unlink()
    (tmp_path / MARKER).write_text("statuskit export v1\n")
    assert output_kind(tmp_path) == "export"


def test_a_preview_never_replaces_a_site(tmp_path):
    with replacing(tmp_path / "site", kind="site") as tmp:
        write_files(tmp, {"index.html": "public"})
    with pytest.raises(StatuskitError, match="it holds statuskit site output, not preview output"):
        with replacing(tmp_path / "site", kind="preview"):
            pass
    assert (tmp_path / "site" / "index.html").read_text() == "public"


def test_nothing_written_may_overwrite_the_marker(tmp_path):
    with pytest.raises(StatuskitError, match="statuskit's own marker file"):
        write_files(tmp_path, {MARKER: "statuskit site v1\n"})


def test_a_failed_build_leaves_no_temporary_folder(tmp_path):
    with pytest.raises(RuntimeError):
        with replacing(tmp_path / "site") as tmp:
            write_files(tmp, {"index.html": "x"})
            raise RuntimeError("the build failed")
    assert list(tmp_path.iterdir()) == []
