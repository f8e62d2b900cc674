"""The composite GitHub Action (action.yml): its shape, and its shell steps run in order, as
the runner runs them, on a notes repository of one committed markdown file.

The ``uses:`` steps (setup-python, upload-artifact) are checked but not run: the machine's
Python stands in for setup-python's. The install step makes a fresh virtual environment and
pip-installs the action's folder into it (not editable), as on GitHub; the action's folder
is a copy of this checkout's work tree, as the runner keeps an action in a folder of its
own, so pip's build does not write build/ or egg-info into the checkout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
INPUTS = ACTION["inputs"]
STEPS = ACTION["runs"]["steps"]

NOTES = (
    "# Test Notes\n\n## Chapter 1 Basics\n\n"
    "<h2>What is a lock?</h2>\n\nA file that keeps note identities.\n\n"
    "<h2>Why commit it?</h2>\n\nSo cards keep their history.\n"
)
COMMIT_TIME = 1_700_000_000
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def test_action_structure() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] and ACTION["description"]
    expected = {
        "paths": "content",
        "output": "decks",
        "strict": "true",
        "allow": "",
        "combined": "false",
        "python-version": "3.11",
        "upload": "true",
        "artifact-name": "decks",
        "commit-lock": "false",
    }
    assert {name: spec["default"] for name, spec in INPUTS.items()} == expected
    for name, spec in INPUTS.items():
        assert isinstance(spec["default"], str), name  # "true", not true: inputs are strings
        assert spec["description"].strip(), name
    for name, spec in ACTION["outputs"].items():
        assert spec["description"].strip() and EXPRESSION.fullmatch(spec["value"]), name

    uses = [step["uses"] for step in STEPS if "uses" in step]
    assert uses == ["actions/setup-python@v5", *["actions/upload-artifact@v4"] * 2]
    assert STEPS[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    upload, lock = STEPS[-2:]
    # (after a failed push of the lock too: the decks were built)
    assert upload["if"] == (
        "${{ !cancelled() && inputs.upload == 'true' && steps.build.outcome == 'success' }}"
    )
    assert upload["with"]["name"] == "${{ inputs.artifact-name }}"
    assert upload["with"]["path"].splitlines() == [
        "${{ inputs.output }}/**/*.apkg",
        "${{ inputs.output }}/manifest.json",
    ]
    # The lock a build changed, for a user to commit, unless the action committed it.
    assert lock["if"] == (
        "${{ !cancelled() && inputs.upload == 'true' && steps.lock.outputs.changed == 'true' "
        "&& steps.lock.outputs.committed != 'true' }}"
    )
    assert lock["with"]["name"] == "${{ inputs.artifact-name }}-lock"
    assert lock["with"]["path"] == "${{ steps.lock.outputs.files }}"

    runs = [step for step in STEPS if "run" in step]
    assert [step["id"] for step in runs] == ["install", "check", "build", "lock"]
    for step in runs:
        # No script injection: inputs and github.* reach the script through env: only.
        assert "${{" not in step["run"], step["name"]
        assert step["shell"] == "bash", step["name"]
        assert step["run"].startswith("set -euo pipefail\n"), step["name"]
        assert "if" not in step, step["name"]  # run unconditionally: the test runs them all


def resolve(value: object, action_path: Path, inputs: dict[str, str] | None = None) -> str:
    """An env: value with ``${{ inputs.X }}`` (at its default) and ``${{ github.action_path }}``
    replaced, as the runner would; any other expression fails the test."""

    def one(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression == "github.action_path":
            return str(action_path)
        name = expression.removeprefix("inputs.")
        assert name != expression and name in INPUTS, f"unexpected expression {expression!r}"
        return (inputs or {}).get(name, INPUTS[name]["default"])

    return EXPRESSION.sub(one, str(value))


def read_outputs(path: Path) -> dict[str, str]:
    """A GITHUB_OUTPUT or GITHUB_ENV file: ``name=value`` and ``name<<DELIMITER`` blocks."""
    values: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for body in lines:
                if body == delimiter:
                    break
                block.append(body)
            values[name] = "\n".join(block)
        elif line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


# Not part of the action: the checkout's own environments, caches and outputs.
_NOT_COPIED = {".git", ".venv", "build", "dist", "decks", "preview"}
_NEVER_COPIED = shutil.ignore_patterns(
    "__pycache__", "*.egg-info", ".*_cache", ".hypothesis", ".pytest_cache", ".ankipress-cache"
)


def copy_action(target: Path) -> Path:
    """This checkout as it is now (others' uncommitted edits included), in a folder of its
    own as the runner keeps an action: pip's build then writes build/ and egg-info there."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        top = {name for name in names if name in _NOT_COPIED} if Path(folder) == REPO else set()
        return top | _NEVER_COPIED(folder, names)

    shutil.copytree(REPO, target, ignore=ignore, symlinks=True)
    return target


def notes_repository(workspace: Path) -> Path:
    (workspace / "content").mkdir(parents=True)
    (workspace / "content" / "notes.md").write_text(NOTES, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    date = f"@{COMMIT_TIME} +0000"
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    for command in (["init", "-q"], ["add", "content"], ["commit", "-q", "-m", "notes"]):
        subprocess.run([*git, *command], cwd=workspace, env=env, check=True)
    return workspace


def runner_environment(tmp_path: Path, workspace: Path) -> dict[str, str]:
    """The environment of a job's step: this machine's, with setup-python's ``python`` first on
    PATH, and the runner's files and folders."""
    setup_python = tmp_path / "hostedtoolcache" / "bin"
    setup_python.mkdir(parents=True)
    (setup_python / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
    ours = str(Path(sys.executable).parent)  # not this virtualenv's ankipress
    path = [str(setup_python), *(p for p in os.environ["PATH"].split(os.pathsep) if p != ours)]
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "SOURCE_DATE_EPOCH"}
        and not name.startswith(("GITHUB_", "RUNNER_"))
    }
    runner = tmp_path / "runner"
    runner.mkdir()
    files = {
        name: runner / name.lower() for name in ("GITHUB_PATH", "GITHUB_ENV", "GITHUB_STEP_SUMMARY")
    }
    for file in files.values():
        file.touch()
    env.update({name: str(file) for name, file in files.items()})
    env.update(
        PATH=os.pathsep.join(path),
        RUNNER_TEMP=str(tmp_path / "runner-temp"),
        GITHUB_WORKSPACE=str(workspace),
        GITHUB_ACTIONS="true",
        CI="true",
    )
    (tmp_path / "runner-temp").mkdir()
    return env


def run_steps(
    env: dict[str, str], workspace: Path, action_path: Path, inputs: dict[str, str] | None = None
) -> tuple[str, dict]:
    """Each run: step in order, like the runner: ``bash --noprofile --norc -eo pipefail FILE``
    in the workspace, with the step's env: and what earlier steps wrote to GITHUB_PATH and
    GITHUB_ENV. Returns the steps' output and each step's outputs by id."""
    log: list[str] = []
    outputs: dict[str, dict[str, str]] = {}
    runner = Path(env["GITHUB_PATH"]).parent
    for number, step in enumerate(STEPS):
        if "uses" in step:
            continue
        script = runner / f"step-{number}.sh"
        script.write_text(step["run"], encoding="utf-8")
        output = runner / f"output-{number}"
        output.touch()
        added = Path(env["GITHUB_PATH"]).read_text(encoding="utf-8").split()
        step_env = {
            **env,
            **read_outputs(Path(env["GITHUB_ENV"])),
            "PATH": os.pathsep.join([*reversed(added), env["PATH"]]),
            "GITHUB_OUTPUT": str(output),
            **{
                name: resolve(value, action_path, inputs)
                for name, value in step.get("env", {}).items()
            },
        }
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        log.append(f"--- {step['name']}\n{done.stdout}{done.stderr}")
        assert done.returncode == 0, "\n".join(log)
        outputs[step["id"]] = read_outputs(output)
    return "\n".join(log), outputs


def test_action_checks_and_builds_a_notes_repository(tmp_path: Path) -> None:
    action_path = copy_action(tmp_path / "_actions" / "ankipress")
    workspace = notes_repository(tmp_path / "notes")
    env = runner_environment(tmp_path, workspace)

    log, outputs = run_steps(env, workspace, action_path)

    venv_bin = Path(env["RUNNER_TEMP"]) / "ankipress-venv" / "bin"
    assert Path(env["GITHUB_PATH"]).read_text(encoding="utf-8").split() == [str(venv_bin)]
    assert (venv_bin / "ankipress").is_file()
    assert "Checked 1 file: 1 deck, 2 cards; 0 warnings, 0 errors" in log
    packages = sorted(p.relative_to(workspace) for p in (workspace / "decks").rglob("*.apkg"))
    assert packages == [Path("decks/notes/01-Basics.apkg")]
    manifest = json.loads((workspace / "decks" / "manifest.json").read_text(encoding="utf-8"))
    assert [deck["name"] for deck in manifest["decks"]] == ["Test Notes::01 Basics"]
    assert outputs["build"] == {"decks": "decks", "packages": "1"}
    assert "no git history" not in log

    # Changed notes are dated by the last commit, not by the clock.
    lock = (workspace / "content" / "ankipress.lock").read_text(encoding="utf-8")
    notes = [json.loads(line) for line in lock.splitlines()[1:]]
    assert [note["changed"] for note in notes] == [COMMIT_TIME, COMMIT_TIME]

    # The first build made the lock: it is new and untracked, and should be committed.
    warning = "::warning file=content/ankipress.lock,title=Commit the identity lock::"
    assert f"{warning}content/ankipress.lock is new: commit it" in log
    assert outputs["lock"] == {"changed": "true", "files": "content/ankipress.lock"}

    # The job's summary: the build's own, then what to do with the lock.
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.startswith("### ankipress build\n\n```\nBuilt 1 deck with 2 cards")
    assert "**Commit the identity lock**: content/ankipress.lock changed" in summary


def test_action_commits_the_changed_lock_when_asked(tmp_path: Path) -> None:
    action_path = copy_action(tmp_path / "_actions" / "ankipress")
    workspace = notes_repository(tmp_path / "notes")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    for command in (
        ["remote", "add", "origin", str(remote)],
        ["push", "-q", "-u", "origin", "HEAD"],
    ):
        subprocess.run(["git", *command], cwd=workspace, check=True)
    env = runner_environment(tmp_path, workspace)

    log, outputs = run_steps(env, workspace, action_path, {"commit-lock": "true"})

    assert outputs["lock"] == {
        "changed": "true",
        "files": "content/ankipress.lock",
        "committed": "true",
    }
    assert "::warning" not in log and "::notice::committed and pushed content/ankipress.lock" in log
    shown = subprocess.run(
        ["git", "log", "-1", "--name-only", "--format=%an%n%s"],
        cwd=remote,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert shown[0] == "github-actions[bot]" and shown[-1] == "content/ankipress.lock"
    pushed = subprocess.run(
        ["git", "show", "HEAD:content/ankipress.lock"], cwd=remote, capture_output=True, check=True
    ).stdout
    assert pushed == (workspace / "content" / "ankipress.lock").read_bytes()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", "content"], cwd=workspace, capture_output=True
    )
    assert status.stdout == b""  # the decks are not committed, only the lock


def test_a_pull_request_run_uploads_the_lock_instead_of_committing_it(tmp_path: Path) -> None:
    """A pull request's checkout is on no branch: the lock goes to the artifact, and the
    job does not fail."""
    action_path = copy_action(tmp_path / "_actions" / "ankipress")
    workspace = notes_repository(tmp_path / "notes")
    subprocess.run(["git", "checkout", "-q", "--detach"], cwd=workspace, check=True)
    env = runner_environment(tmp_path, workspace)
    env["GITHUB_EVENT_NAME"] = "pull_request"

    log, outputs = run_steps(env, workspace, action_path, {"commit-lock": "true"})

    assert outputs["lock"] == {"changed": "true", "files": "content/ankipress.lock"}
    assert "::notice::not committing content/ankipress.lock: this run is on no branch" in log
    assert subprocess.run(
        ["git", "status", "--porcelain"], cwd=workspace, capture_output=True
    ).stdout
