"""What the `live` target needs beyond the step files: saved sign-ins and secrets.

Both hold credentials, so both live outside the project folder (a repository is the worst
place for a session cookie) and are written readable by their owner only.

- A saved sign-in is a Playwright storage state per portal, made by `guidegen login <portal>`
  in a real, visible browser so that a person can complete MFA.
- Secrets come from `GUIDEGEN_SECRET_<NAME>` variables or from a file of `name=value` lines.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from .atomic import write_atomic
from .errors import GuideError, Problem

STATE_DIR_ENV = "GUIDEGEN_STATE_DIR"
SECRET_ENV_PREFIX = "GUIDEGEN_SECRET_"
_SECRET_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$")


def default_state_dir() -> Path:
    if os.environ.get(STATE_DIR_ENV):
        return Path(os.environ[STATE_DIR_ENV])
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "guidegen" / "state"


def state_file(state_dir: Path, portal: str) -> Path:
    return state_dir / f"{portal}.json"


def outside_project(path: Path, root: Path, what: str, option: str) -> None:
    """Refuse credentials inside the project: they would be one `git add` from leaking."""
    resolved, project = path.resolve(), root.resolve()
    if resolved == project or project in resolved.parents:
        raise GuideError([Problem("command line", 0, option,
                                  f"{path} is inside the project; keep {what} outside it "
                                  "(they hold credentials)")])


def write_private(path: Path, data: dict) -> None:
    """Owner-only, atomic: a crash leaves the previous sign-in, never half a file. The folder
    guidegen makes is owner-only too; the temporary file is never one someone else could
    have planted (a stale file or a symlink at a name known in advance)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomic(path, json.dumps(data).encode("utf-8"), mode=0o600)


def save_sign_in(browser, url: str, dest: Path, wait: Callable) -> int:
    """Open `url` in a fresh context, let `wait(page)` return once the person has signed in,
    then save the context's cookies and local storage to `dest`. Returns the cookie count."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        wait(page)
        state = context.storage_state()
    finally:
        context.close()
    write_private(dest, state)
    return len(state.get("cookies", []))


def load_sign_ins(state_dir: Path, portals: list[str]) -> dict:
    """One storage state for a context that drives several portals: their states merged."""
    merged: dict = {"cookies": [], "origins": []}
    missing = [p for p in portals if not state_file(state_dir, p).is_file()]
    if missing:
        raise GuideError([Problem("command line", 0, "--state-dir",
                                  f"no saved sign-in for {p} in {state_dir}; run "
                                  f"`guidegen login {p}`") for p in missing])
    for portal in portals:
        path = state_file(state_dir, portal)
        problem = private_file_problem(path)
        if problem:
            raise GuideError([Problem(str(path), 0, "", f"a saved sign-in {problem}")])
        try:
            state = json.loads(path.read_text("utf-8"))
            merged["cookies"] += list(state["cookies"])
            merged["origins"] += list(state["origins"])
        except (OSError, ValueError, KeyError, TypeError):
            raise GuideError([Problem(str(path), 0, "", "not a saved sign-in; run "
                                      f"`guidegen login {portal}` again")]) from None
    return merged


def private_file_problem(path: Path) -> str | None:
    """What makes `path` no file of secrets (a secrets file, a saved sign-in) to read:
    missing, not a regular file, or open to other users (as ssh refuses a private key anyone
    else can read)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as err:
        return f"cannot read it ({err.strerror})"
    if not stat.S_ISREG(mode):
        return "not a file"
    if mode & 0o066:
        who = "readable" if mode & 0o044 else "writable"
        return f"{who} by others (mode {stat.S_IMODE(mode):04o}); chmod 600 it"
    return None


def read_secrets_file(path: Path) -> dict[str, str]:
    """`name=value` lines, `#` comments. Messages never quote a line: it may be a secret."""
    problem = private_file_problem(path)
    if problem:
        raise GuideError([Problem(str(path), 0, "", problem)])
    problems, secrets = [], {}
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise GuideError([Problem(str(path), 0, "", f"cannot read the secrets file "
                                  f"({type(err).__name__})")]) from None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _SECRET_LINE.match(line)
        if not match:
            problems.append(Problem(str(path), number, "", "expected name=value"))
            continue
        secrets[match.group(1).lower()] = match.group(2).strip()
    if problems:
        raise GuideError(problems)
    return secrets


def secret_values(names: list[str], file_secrets: dict[str, str]) -> dict[str, str]:
    """Each declared secret from GUIDEGEN_SECRET_<NAME>, else from the secrets file."""
    return {name: os.environ.get(SECRET_ENV_PREFIX + name.upper(),
                                 file_secrets.get(name.lower(), "")) for name in names}
