"""A stand-in analysis for batch tests, run in spawned worker processes (so it lives in a module
they can import by name): a file whose name says "crash" kills its worker the way a crashing
decoder would; the rest get a one-region result."""
import os

from workbench.core.regions import Region
from workbench.tasks.batch import Outcome


def work(index, job, settings):
    if "crash" in os.path.basename(job.source):
        os._exit(-11)
    return job, Outcome([("Results", [Region(0.0, 1.0, os.path.basename(job.source))])], 1.0, 0.01, []), ""
