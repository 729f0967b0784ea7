"""Share a trained model on the Hugging Face Hub: offered, never automatic, with the user's own
token (huggingface_hub's login, or one given).  No Qt."""
from __future__ import annotations

import json
import re
from pathlib import Path

from workbench.tasks.events import Progress, TaskCancelled, TaskError

REPO = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")
SKIP = ["*.writing/*", "*.old/*", ".cache/*"]


def share(folder, repo_id: str, token: str | None = None, private: bool = True,
          endpoint: str | None = None, cancelled=lambda: False):
    """Generator: make ``repo_id`` (private unless asked otherwise) and upload the model folder
    in one commit; yields Progress, returns the repository's address.  Every failure is a
    TaskError that says what to do."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    folder = Path(folder)
    if not (folder / "config.json").exists():
        raise TaskError(f"“{folder}” is not a model folder (no config.json)")
    repo_id = repo_id.strip()
    if not REPO.match(repo_id):
        raise TaskError(f"“{repo_id}” is not a Hub repository name: write it as you/name "
                        f"(letters, digits, - _ .)")
    api = HfApi(endpoint=endpoint, token=token)
    yield Progress(0.05, f"Making {repo_id} on the Hub")
    try:
        url = api.create_repo(repo_id, private=private, exist_ok=True)
        if cancelled():
            raise TaskCancelled()
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        yield Progress(0.2, f"Uploading {size / 1e6:.1f} MB")
        classes = len(json.loads((folder / "config.json").read_text(encoding="utf-8")).get("classes", []))
        api.upload_folder(folder_path=str(folder), repo_id=repo_id, ignore_patterns=SKIP,
                          commit_message=f"Audio Workbench: a classifier of {classes} classes")
    except HfHubHTTPError as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        if status == 401:
            raise TaskError("the Hub did not accept the token: log in with `hf auth login`, or give a "
                            "token with write access (huggingface.co/settings/tokens)") from exc
        if status == 403:
            raise TaskError(f"the token may not write to {repo_id}: use a token with write access, or "
                            f"a repository of your own") from exc
        raise TaskError(f"the Hub refused the upload ({status}): {str(exc)[:200]}") from exc
    except OSError as exc:         # no network, a refused connection, a reset
        raise TaskError(f"the Hub could not be reached ({exc}): the model stays in {folder}") from exc
    yield Progress(1.0, "Shared")
    return str(url)
