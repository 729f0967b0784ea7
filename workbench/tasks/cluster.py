"""A Ray cluster, joined one way for every batch over it (``workbench run --cluster``, ``workbench
train --cluster``).  No Qt; Ray is an optional extra."""
from __future__ import annotations


class ClusterError(Exception):
    """Ray is missing or the cluster cannot be reached; the message says what to do."""


def join_ray(address: str, workers: int | None = None):
    """Ray, connected to the cluster at ``address`` (``auto``: one started here with ``workers``
    CPUs), and whether this call started it (the caller shuts down what it started)."""
    try:
        import ray
    except ImportError as exc:
        raise ClusterError("--cluster needs Ray: pip install 'audio-workbench[cluster]'") from exc
    if ray.is_initialized():
        return ray, False
    try:
        if address == "auto":
            ray.init(num_cpus=workers or None, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
        else:
            ray.init(address=address, log_to_driver=False, configure_logging=False)
    except Exception as exc:       # Ray raises many kinds: all mean "no cluster"
        raise ClusterError(f"cannot reach the Ray cluster at {address}: {exc}") from exc
    return ray, True
