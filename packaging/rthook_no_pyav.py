"""PyInstaller runtime hook: PyAV is left out of the bundle (see workbench.spec), but faster-whisper
imports it at the top of its audio module for file decoding that the workbench never uses (it
hands faster-whisper samples, decoded by libsndfile).  This finder, last in line, answers
`import av` with a module that refuses to be used, so faster-whisper loads and any real use of
PyAV fails with a message instead of a missing-module crash."""
import importlib.abc
import importlib.machinery
import sys
import types

_WHY = ("PyAV (FFmpeg) is not part of this Audio Workbench build: its FFmpeg carries GPL codecs, "
        "and the workbench decodes audio with libsndfile")


class _Refusing(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise ImportError(_WHY)


class _NoPyAV(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        return importlib.machinery.ModuleSpec(name, self) if name == "av" else None

    def create_module(self, spec):
        return _Refusing(spec.name)

    def exec_module(self, module):
        pass


sys.meta_path.append(_NoPyAV())
