"""The repository's own files: none of them hides under a name that the ignore files
contributors commonly use leave out of a commit."""

from __future__ import annotations

import fnmatch
import subprocess

from tests.conftest import REPO

# Names GitHub's Python.gitignore ignores at any depth (a line with no slash but at its
# end): a folder of ours by one of these names is silently left out of a contributor's
# commit, and tools take it for build output.
IGNORED_ANYWHERE = (
    "build",
    "develop-eggs",
    "dist",
    "downloads",
    "eggs",
    ".eggs",
    "lib",
    "lib64",
    "parts",
    "sdist",
    "var",
    "wheels",
    "share",
    "env",
    "venv",
    "ENV",
    "htmlcov",
    "site",
    "*.egg-info",
    "__pycache__",
    "instance",
    "target",
)


def test_no_tracked_folder_has_a_name_common_ignore_files_leave_out() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    folders = {part for path in tracked if path for part in path.split("/")[:-1]}
    clashes = sorted(
        folder
        for folder in folders
        if any(fnmatch.fnmatchcase(folder, pattern) for pattern in IGNORED_ANYWHERE)
    )
    assert clashes == []
