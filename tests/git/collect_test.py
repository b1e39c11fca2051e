from __future__ import annotations

import os

import pytest

from commitgate import git
from commitgate.errors import GitError
from commitgate.git.change import Change, Hunk, Mode
from tests.conftest import GitRepo

MAX = 100_000


def collect(repo: GitRepo, paths: list[str] | None = None, **kw: object) -> Change:
    r = git.find_repo()
    return git.collect(r, paths, max_bytes=kw.pop("max_bytes", MAX), **kw)  # type: ignore[arg-type]


def test_find_repo(repo: GitRepo) -> None:
    (repo.path / "sub").mkdir()
    os.chdir(repo.path / "sub")
    r = git.find_repo()
    assert r.root == str(repo.path)
    assert r.prefix == "sub/"
    assert r.git_dir == str(repo.path / ".git")
    assert r.common_dir == str(repo.path / ".git")


def test_not_a_repository(tmp_path: os.PathLike[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    with pytest.raises(GitError, match="not inside a git repository"):
        git.find_repo()


def test_resolve_paths_from_subdirectory(repo: GitRepo) -> None:
    (repo.path / "sub").mkdir()
    os.chdir(repo.path / "sub")
    paths, outside = git.resolve_paths(git.find_repo(), ["a.py", "../b.py", "../../x", "a.py"])
    assert paths == ["sub/a.py", "b.py"]
    assert [nr.path for nr in outside] == ["../../x"]


def test_staged_change_without_any_commit(repo: GitRepo) -> None:
    repo.write("a.py", "one\ntwo\n")
    repo.stage()
    change = collect(repo)
    assert change.mode is Mode.STAGED
    [f] = change.files
    assert (f.path, f.status, f.lines) == ("a.py", "added", ("one", "two"))
    assert f.touched() == {1, 2}


def test_modified_file_hunks(repo: GitRepo) -> None:
    repo.write("a.py", "".join(f"line {i}\n" for i in range(1, 21)))
    repo.stage()
    repo.commit()
    lines = [f"line {i}\n" for i in range(1, 21)]
    lines[4] = "changed 5\n"  # modified
    del lines[9]  # removed line 10
    lines.insert(15, "new line\n")  # added
    repo.write("a.py", "".join(lines))
    repo.stage()
    [f] = collect(repo).files
    assert f.status == "modified"
    assert f.hunks == (
        Hunk(5, 1, ("line 5",)),
        Hunk(9, 0, ("line 10",)),
        Hunk(16, 1, ()),
    )
    # The deletion touches the lines on either side of the gap.
    assert f.touched() == {5, 9, 10, 16}
    assert f.lines[15] == "new line"


def test_only_the_staged_content_is_reviewed(repo: GitRepo) -> None:
    repo.write("a.py", "a\n")
    repo.stage()
    repo.commit()
    repo.write("a.py", "a\nstaged\n")
    repo.stage()
    repo.write("a.py", "a\nstaged\nnot staged\n")
    [f] = collect(repo).files
    assert f.lines == ("a", "staged")


def test_odd_paths_crlf_and_encodings(repo: GitRepo) -> None:
    repo.write("with space.py", "x = 1\n")
    repo.write("ünï/cödé.py", "y = 2\n")
    repo.write("crlf.py", "a = 1\r\nb = 2\r\n")
    repo.write("latin1.py", "s = 'caf\xe9'\n".encode("latin-1"))
    repo.write("line\nbreak.py", "z = 3\n")
    repo.write("vt.py", "a\x0bb\nc\n")
    repo.stage()
    files = {f.path: f for f in collect(repo).files}
    assert set(files) == {
        "with space.py",
        "ünï/cödé.py",
        "crlf.py",
        "latin1.py",
        "line\nbreak.py",
        "vt.py",
    }
    assert files["crlf.py"].lines == ("a = 1", "b = 2")
    assert files["latin1.py"].lines == ("s = 'café'",)
    # \x0b is not a line break for git, so not for us either.
    assert files["vt.py"].lines == ("a\x0bb", "c")


def test_rename_with_edit(repo: GitRepo) -> None:
    body = "".join(f"def f{i}(): pass\n" for i in range(20))
    repo.write("old name.py", body)
    repo.stage()
    repo.commit()
    repo.git("mv", "old name.py", "new name.py")
    repo.write("new name.py", body.replace("f3()", "g3()"))
    repo.stage()
    [f] = collect(repo, ["new name.py"]).files
    assert (f.status, f.old_path) == ("renamed", "old name.py")
    assert [h.new_start for h in f.hunks] == [4]


def test_pure_rename_is_listed_not_reviewed(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n" * 10)
    repo.stage()
    repo.commit()
    repo.git("mv", "a.py", "b.py")
    change = collect(repo)
    assert change.files == []
    assert [(n.path, n.reason) for n in change.not_reviewed] == [
        ("b.py", "no content change (rename or mode change only)")
    ]


def test_skipped_entries_say_why(repo: GitRepo) -> None:
    repo.write("gone.py", "x\n")
    repo.write("big.txt", "x" * 200 + "\n")
    repo.stage()
    repo.commit()
    repo.git("rm", "-q", "gone.py")
    repo.write("big.txt", "y" * 200 + "\n")
    repo.write("img.bin", b"\x89PNG\0\0\0binary")
    os.symlink("big.txt", repo.path / "link")
    repo.stage()
    change = collect(repo, max_bytes=100)
    reasons = {n.path: n.reason for n in change.not_reviewed}
    assert reasons == {
        "gone.py": "deleted",
        "big.txt": "larger than max-file-bytes (201 > 100 bytes)",
        "img.bin": "binary",
        "link": "symbolic link",
    }


def test_gitattributes_binary(repo: GitRepo) -> None:
    repo.write(".gitattributes", "*.dat -diff\n")
    repo.write("x.dat", "a\n")
    repo.stage()
    repo.commit()
    repo.write("x.dat", "b\n")
    repo.stage()
    change = collect(repo, ["x.dat"])
    assert [(n.path, n.reason) for n in change.not_reviewed] == [
        ("x.dat", "binary (per git attributes)")
    ]


def test_submodule_entry(repo: GitRepo, tmp_path: os.PathLike[str]) -> None:
    sub = GitRepo(repo.path.parent / "sub")
    sub.path.mkdir()
    sub.git("init", "-q")
    sub.commit("sub")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub.path), "mod")
    change = collect(repo)
    assert ("mod", "submodule") in [(n.path, n.reason) for n in change.not_reviewed]


def test_files_passed_with_nothing_staged_are_reviewed_whole(repo: GitRepo) -> None:
    repo.write("a.py", "a\nb\n")
    repo.write("b.py", "c\n")
    repo.stage()
    repo.commit()
    change = collect(repo, ["a.py", "b.py", "missing.py"])
    assert change.mode is Mode.FILES
    assert [(f.path, f.status, f.lines) for f in change.files] == [
        ("a.py", "whole", ("a", "b")),
        ("b.py", "whole", ("c",)),
    ]
    assert [(n.path, n.reason) for n in change.not_reviewed] == [
        ("missing.py", "does not exist in the working tree")
    ]


def test_whole_mode_skips(repo: GitRepo) -> None:
    repo.write("big.py", "x" * 500)
    repo.write("bin.dat", b"a\0b")
    os.symlink("big.py", repo.path / "ln")
    (repo.path / "d").mkdir()
    change = collect(repo, ["big.py", "bin.dat", "ln", "d"], whole=True, max_bytes=100)
    assert {n.path: n.reason for n in change.not_reviewed} == {
        "big.py": "larger than max-file-bytes (500 > 100 bytes)",
        "bin.dat": "binary",
        "ln": "symbolic link",
        "d": "a directory (submodule?)",
    }


def test_large_blob_is_not_held_in_memory_and_others_still_read(repo: GitRepo) -> None:
    repo.write("huge.txt", "z" * 3_000_000)
    repo.write("small.py", "ok\n")
    repo.stage()
    change = collect(repo, max_bytes=1000)
    assert [f.path for f in change.files] == ["small.py"]
    assert change.not_reviewed[0].path == "huge.txt"


def test_range(repo: GitRepo) -> None:
    repo.write("a.py", "a\n")
    repo.stage()
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("a.py", "a\nb\n")
    repo.write("c.py", "c\n")
    repo.stage()
    head = repo.commit("feature")
    # The working tree differs from the ref: the ref's content is reviewed.
    repo.write("a.py", "something else\n")
    change = collect(repo, from_ref=base, to_ref=head)
    assert change.mode is Mode.RANGE
    files = {f.path: f for f in change.files}
    assert files["a.py"].lines == ("a", "b")
    assert files["a.py"].touched() == {2}
    assert "c.py" in files
    change = collect(repo, ["c.py", "zzz.py"], from_ref=base, to_ref=head)
    assert [f.path for f in change.files] == ["c.py"]
    assert change.not_reviewed[0].reason.startswith("not changed in")


def test_unknown_ref(repo: GitRepo) -> None:
    repo.commit()
    with pytest.raises(GitError, match=r"unknown revision 'nope': not a commit"):
        collect(repo, from_ref="nope", to_ref="HEAD")


def test_merge_conflict(repo: GitRepo) -> None:
    repo.write("a.py", "base\n")
    repo.stage()
    repo.commit()
    repo.git("checkout", "-q", "-b", "other")
    repo.write("a.py", "other\n")
    repo.stage()
    repo.commit()
    repo.git("checkout", "-q", "main")
    repo.write("a.py", "mine\n")
    repo.stage()
    repo.commit()
    repo.git("merge", "-q", "other", check=False)
    with pytest.raises(GitError, match="merge conflict in progress"):
        collect(repo)


def test_detached_head(repo: GitRepo) -> None:
    repo.write("a.py", "a\n")
    repo.stage()
    repo.commit()
    repo.git("checkout", "-q", "--detach")
    repo.write("a.py", "a\nb\n")
    repo.stage()
    [f] = collect(repo).files
    assert f.touched() == {2}


def test_empty_change(repo: GitRepo) -> None:
    repo.commit()
    change = collect(repo)
    assert change.files == [] and change.not_reviewed == []


def test_file_deleted_after_staging_is_reviewed_from_the_index(repo: GitRepo) -> None:
    repo.write("a.py", "a\n")
    repo.stage()
    os.remove(repo.path / "a.py")
    [f] = collect(repo, ["a.py"]).files
    assert f.lines == ("a",)


def test_nothing_is_written(repo: GitRepo) -> None:
    repo.write("a.py", "a\n")
    repo.stage()
    repo.commit()
    repo.write("a.py", "a\nb\n")
    repo.stage()
    repo.write("a.py", "a\nb\nc\n")
    before = repo.snapshot()
    collect(repo)
    collect(repo, ["a.py"], whole=True)
    assert repo.snapshot() == before
