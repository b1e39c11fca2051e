from __future__ import annotations

import pytest

from commitgate import git
from commitgate.commands import commit_msg
from commitgate.main import main
from tests.conftest import GitRepo
from tests.fake_gateway import FakeGateway


def test_written_strips_comments_scissors_and_blank_edges() -> None:
    text = (
        "\n\nFix the thing\n\nBecause.\n# Please enter the commit message\n\n"
        "# ------------------------ >8 ------------------------\ndiff --git a b\n+x\n"
    )
    assert commit_msg.written(text, "#") == ["Fix the thing", "", "Because."]
    assert commit_msg.written("# only comments\n\n", "#") == []
    assert commit_msg.written("; comment\nsubject\n", ";") == ["subject"]


def test_comment_char_follows_git(repo: GitRepo) -> None:
    r = git.find_repo()
    assert commit_msg.comment_char(r) == "#"
    repo.git("config", "core.commentChar", ";")
    assert commit_msg.comment_char(r) == ";"
    repo.git("config", "core.commentChar", "auto")
    assert commit_msg.comment_char(r) == "#"


def test_draft_format_wraps_the_body_and_cuts_the_subject() -> None:
    drafted = commit_msg._format({"subject": "Fix " + "x" * 100, "body": "word " * 40})
    subject, blank, *body = drafted.split("\n")
    assert len(subject) == 72 and blank == ""
    assert all(len(line) <= 72 for line in body)
    assert commit_msg._format({"subject": "Fix it", "body": ""}) == "Fix it\n"


def test_a_message_git_or_the_user_gave_is_never_touched(
    repo: GitRepo, gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMMITGATE_BASE_URL", gateway.base_url)
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "k")
    repo.write("a.py", "x = 1\n")
    repo.stage()
    message = repo.path / ".git" / "COMMIT_EDITMSG"
    for source in ("message", "template", "merge", "squash", "commit"):
        message.write_text("\n# Please enter the commit message\n")
        monkeypatch.setenv("PRE_COMMIT_COMMIT_MSG_SOURCE", source)
        assert main(["commit-msg", str(message)]) == 0
        assert message.read_text() == "\n# Please enter the commit message\n"
    assert gateway.posts == []


def test_merge_commit_messages_are_not_checked(
    repo: GitRepo,
    gateway: FakeGateway,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COMMITGATE_BASE_URL", gateway.base_url)
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "k")
    repo.write("a.py", "x = 1\n")
    repo.stage()
    (repo.path / ".git" / "MERGE_HEAD").write_text("0" * 40 + "\n")
    message = repo.path / ".git" / "COMMIT_EDITMSG"
    message.write_text("Merge branch 'x'\n")
    assert main(["commit-msg", str(message)]) == 0
    assert "a merge commit" in capsys.readouterr().out
    assert gateway.posts == []


def test_unreadable_message_file(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["commit-msg", str(repo.path / "nope")]) == 2
    assert "cannot read the commit message" in capsys.readouterr().err
