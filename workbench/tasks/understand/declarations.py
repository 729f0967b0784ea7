"""Declarations of the Understand tasks.  Importing this is cheap: runners load lazily."""
from workbench.tasks.spec import Param, TaskSpec

TASKS: list[TaskSpec] = []   # the registry registers them, in this order

TASKS.append(TaskSpec(
    id="vad",
    title="Voice activity",
    panel="understand",
    description="Find where people speak (silero-vad; its weights ship with the package, so it "
                "works offline).",
    run="workbench.tasks.understand.vad:run",
    sample_rate=16000,
    needs_model=False,
    checkpoints=("silero-vad (bundled)",),
    output_track="Voice activity",
    params=(
        Param("threshold", "float", 0.5, "Speech threshold", 0.05, 0.95,
              help="Probability above which a window counts as speech"),
        Param("min_speech_ms", "int", 250, "Shortest speech", 0, 10000, unit="ms"),
        Param("min_silence_ms", "int", 100, "Shortest pause", 0, 10000, unit="ms",
              help="Pauses shorter than this do not split a speech region"),
        Param("pad_ms", "int", 30, "Padding", 0, 1000, unit="ms",
              help="Added to each side of a speech region"),
    ),
))

TASKS.append(TaskSpec(
    id="asr",
    title="Speech recognition",
    panel="understand",
    description="Transcribe speech into timed regions on a “Transcript” track: Whisper (segment "
                "or word timestamps, language, translate to English) or CTC models (wav2vec 2.0, "
                "HuBERT). Any checkpoint by Hub id or local folder.",
    run="workbench.tasks.understand.asr:run",
    sample_rate=16000,
    checkpoints=("openai/whisper-small", "openai/whisper-tiny", "openai/whisper-base",
                 "openai/whisper-medium", "openai/whisper-large-v3-turbo",
                 "facebook/wav2vec2-base-960h", "facebook/hubert-large-ls960-ft"),
    output_track="Transcript", view="transcript",
    params=(
        Param("language", "str", "", "Language", help="A code such as en, de, fr; empty: detect "
              "(multilingual Whisper models only); “from regions”: each region's language, when "
              "run on each region of a Language track"),
        Param("task", "choice", "transcribe", "Task", choices=("transcribe", "translate"),
              help="translate: English text from any language (multilingual Whisper only)"),
        Param("timestamps", "choice", "segment", "Timestamps", choices=("segment", "word")),
        Param("beams", "int", 5, "Beams", 1, 10, help="Beam search width (Whisper only): 5, "
              "faster-whisper's and Whisper's own default, hears best; 1 is about a third faster"),
        Param("engine", "choice", "auto", "Engine", choices=("auto", "ctranslate2", "transformers"),
              help="auto: Whisper runs on CTranslate2 (converted once from the same "
                   "checkpoint) on the CPU, where it is 2-3x faster, and on transformers on a GPU "
                   "and for CTC models; transformers is the reference"),
    ),
))

TASKS.append(TaskSpec(
    id="tag",
    title="Sound events",
    panel="understand",
    description="Label sounds with an audio classifier (AudioSet's 527 classes with the default "
                "AST): the top labels of the range, or tags over time with a sliding window; "
                "windows above the threshold with the same label merge into one region.",
    run="workbench.tasks.understand.tag:run",
    sample_rate=16000,
    # the bundled model first: the task works offline from a fresh install
    checkpoints=("yamnet (bundled)", "MIT/ast-finetuned-audioset-10-10-0.4593",
                 "MIT/ast-finetuned-audioset-16-16-0.442", "MIT/ast-finetuned-speech-commands-v2"),
    output_track="Sound events",
    runs_trained=True,
    params=(
        Param("mode", "choice", "over time", "Mode", choices=("over time", "whole range")),
        Param("window_s", "float", 2.0, "Window", 0.2, 10.0, unit="s"),
        Param("hop_s", "float", 1.0, "Hop", 0.05, 10.0, unit="s"),
        Param("threshold", "float", 0.3, "Threshold", 0.0, 1.0,
              help="Scores below this are not tagged (over time)"),
        Param("top_k", "int", 3, "Labels per window", 1, 20),
    ),
))

TASKS.append(TaskSpec(
    id="overview",
    title="Content overview",
    panel="understand",
    description="Speech, music, noise and silence regions: the quick first pass over a new "
                "recording. An AudioSet classifier (YAMNet, bundled and offline, or an AST) scores "
                "short windows; its classes are pooled by the AudioSet ontology's branches, quiet "
                "windows are silence, and turns shorter than the least length join their neighbours.",
    run="workbench.tasks.understand.overview:run",
    sample_rate=16000,
    checkpoints=("yamnet (bundled)", "MIT/ast-finetuned-audioset-10-10-0.4593"),
    output_track="Content",
    params=(
        Param("silence_db", "float", -50.0, "Silence below", -90.0, -10.0, unit="dBFS",
              help="Windows quieter than this are silence, whatever the model hears"),
        Param("min_region_s", "float", 1.0, "Shortest region", 0.0, 30.0, unit="s",
              help="Shorter turns join the longer of their neighbours"),
        Param("window_s", "float", 2.0, "Window", 0.5, 10.0, unit="s", families=("ast",),
              help="Window of a transformers classifier; YAMNet always hears 0.96 s every 0.48 s"),
        Param("hop_s", "float", 1.0, "Hop", 0.1, 10.0, unit="s", families=("ast",)),
    ),
    # YAMNet hears fixed windows: the window and hop are an AST's (or a folder's classifier's)
    families={"yamnet": ("yamnet",), "ast": ("/ast-", "audio-spectrogram-transformer")},
))

TASKS.append(TaskSpec(
    id="diarize",
    title="Who spoke when",
    panel="understand",
    description="Speaker diarization: finds speech (silero-vad), makes a voice vector every "
                "0.75 s of it, groups the vectors into speakers (the number you give, or "
                "estimated) and writes “Speaker 1”, “Speaker 2”… turns on a “Speakers” track. "
                "The bundled voice model works offline; any x-vector checkpoint (WavLM, "
                "wav2vec 2.0) by Hub id or folder works too, and pyannote.audio's pipelines "
                "(pyannote/…) when it is installed and your Hub token may use them. Rename a "
                "speaker once to rename all its turns.",
    run="workbench.tasks.understand.speakers:run",
    sample_rate=16000,
    checkpoints=("resemblyzer (bundled)", "microsoft/wavlm-base-plus-sv",
                 "anton-l/wav2vec2-base-superb-sv", "pyannote/speaker-diarization-3.1"),
    output_track="Speakers",
    # pyannote.audio (optional, gated models: needs the user's token) fetches its own pipeline
    fetched_by=("pyannote/",),
    params=(
        Param("speakers", "int", 0, "Speakers", 0, 32, zero="estimate",
              help="How many people speak; 0: estimate from the voices"),
        Param("max_speakers", "int", 8, "At most", 2, 32, help="The most an estimate may find"),
        Param("min_turn_s", "float", 1.0, "Shortest turn", 0.1, 10.0, unit="s",
              help="A change of speaker must last this long; shorter ones join the turn around them"),
    ),
))

TASKS.append(TaskSpec(
    id="language",
    title="Language",
    panel="understand",
    description="Which language is spoken, with its probability: Whisper's own language detection "
                "(any multilingual Whisper) or a language-ID classifier, for the range, each region "
                "of a track, or over time in 30 s windows. Speech recognition run on each region "
                "of the result can use the detected language (Language: from regions).",
    run="workbench.tasks.understand.language:run",
    sample_rate=16000,
    checkpoints=("openai/whisper-small", "openai/whisper-base", "openai/whisper-large-v3-turbo",
                 "sanchit-gandhi/whisper-medium-fleurs-lang-id", "facebook/mms-lid-126"),
    output_track="Language",
    params=(
        Param("mode", "choice", "whole range", "Mode", choices=("whole range", "over time"),
              help="over time: a language per window (code-switching recordings)"),
        Param("window_s", "float", 30.0, "Window", 3.0, 30.0, unit="s",
              help="How much speech each answer listens to (cut at pauses); Whisper hears 30 s"),
        Param("min_confidence", "float", 0.5, "Least confidence", 0.0, 1.0,
              help="Below this the region says “unknown”"),
    ),
))

TASKS.append(TaskSpec(
    id="enroll",
    title="Enroll voices",
    panel="understand",
    description="Teach the voice library a speaker: run on each region of a Speakers track "
                "whose speakers you renamed (Ann, Bob…), and each region's speech is added to "
                "the voice of that name. The library lives in your data folder; “Identify "
                "speakers” then finds these people in other recordings.",
    run="workbench.tasks.understand.identify:enroll",
    sample_rate=16000,
    inputs=("regions", "selection", "file"),
    checkpoints=("resemblyzer (bundled)", "microsoft/wavlm-base-plus-sv"),
    output_track="",
    params=(
        Param("name", "str", "from regions", "Name",
              help="Whose voice this is; “from regions”: each region's text"),
        Param("library", "str", "", "Library file",
              help="Another voice library (a .json file); empty: the one in your data folder"),
    ),
))

TASKS.append(TaskSpec(
    id="identify",
    title="Identify speakers",
    panel="understand",
    description="Who spoke when, by name: finds the turns as “Who spoke when” does and names "
                "each speaker after the enrolled voice nearest to theirs (cosine similarity, "
                "shown as the confidence); below the threshold a speaker is “Unknown N”. Use the "
                "same voice model you enrolled with.",
    run="workbench.tasks.understand.identify:identify",
    sample_rate=16000,
    checkpoints=("resemblyzer (bundled)", "microsoft/wavlm-base-plus-sv"),
    output_track="Speakers",
    params=(
        Param("threshold", "float", 0.8, "Similarity", 0.0, 1.0,
              help="How alike a voice must be to an enrolled one to take its name (raise it "
                   "when different people get the same name)"),
        Param("speakers", "int", 0, "Speakers", 0, 32, help="How many people speak; 0: estimate"),
        Param("max_speakers", "int", 8, "At most", 2, 32),
        Param("min_turn_s", "float", 1.0, "Shortest turn", 0.1, 10.0, unit="s"),
        Param("library", "str", "", "Library file",
              help="Another voice library (a .json file); empty: the one in your data folder"),
    ),
))

TASKS.append(TaskSpec(
    id="zeroshot",
    title="Zero-shot labels",
    panel="understand",
    description="Type what to listen for (“dog bark; siren; applause”, one per line) and CLAP "
                "scores each prompt for the range or every window over time. The scores are "
                "kept with the track: change the threshold in View ▸ Scores and the regions "
                "follow at once, without running the model again. Save a set of prompts to use "
                "it again.",
    run="workbench.tasks.understand.zeroshot:run",
    sample_rate=48000,
    checkpoints=("laion/clap-htsat-unfused", "laion/larger_clap_general", "laion/clap-htsat-fused"),
    output_track="Zero-shot labels",
    prompt_sets="prompts",        # the panel offers saved sets for this parameter
    params=(
        Param("prompts", "text", "dog bark\nsiren\napplause\nspeech\nmusic", "Prompts",
              help="What to listen for: one per line (or separated by “;”)"),
        Param("mode", "choice", "over time", "Mode", choices=("over time", "whole range")),
        Param("window_s", "float", 3.0, "Window", 0.5, 10.0, unit="s"),
        Param("hop_s", "float", 1.0, "Hop", 0.1, 10.0, unit="s"),
        Param("threshold", "float", 0.5, "Threshold", 0.0, 1.0,
              help="Scores at or above this become regions; change it later in View ▸ Scores"),
        Param("score", "choice", "relative", "Score", choices=("relative", "similarity"),
              help="relative: the prompts share each window (add “silence” or “background” for "
                   "windows where none applies); similarity: each prompt on its own (cosine)"),
        Param("template", "str", "the sound of {}", "Template",
              help="Each prompt is put into this sentence where {} is"),
    ),
))

TASKS.append(TaskSpec(
    id="keywords",
    title="Keyword spotting",
    panel="understand",
    description="Find spoken command words (Speech Commands: yes, no, up, down, stop, go, the "
                "digits…) over time with a keyword classifier. Choose the words to look for, or "
                "leave it empty for all; every window's score for every word is kept, so the "
                "threshold and the words can change later in View ▸ Scores without the model. "
                "The bundled wake-word models (okay_nabu, hey_jarvis, hey_mycroft, alexa) work "
                "offline.",
    run="workbench.tasks.understand.tag:keywords",
    sample_rate=16000,
    checkpoints=("microwakeword (bundled)", "MIT/ast-finetuned-speech-commands-v2"),
    output_track="Keywords",
    # the wake-word models listen in their own steps: window and hop are a classifier's (a Hub id)
    families={"microwakeword": ("microwakeword",), "classifier": ("/",)},
    params=(
        Param("keywords", "str", "", "Keywords",
              help="Words to look for, separated by commas (empty: all the model knows)",
              suggestions=(("microwakeword", (("", "all four wake words"), "okay_nabu", "hey_jarvis",
                                              "hey_mycroft", "alexa")),)),
        Param("window_s", "float", 1.0, "Window", 0.3, 3.0, unit="s", families=("classifier",),
              help="Speech Commands words are one second long"),
        Param("hop_s", "float", 0.25, "Hop", 0.05, 2.0, unit="s", families=("classifier",)),
        Param("threshold", "float", 0.5, "Threshold", 0.0, 1.0),
    ),
))

TASKS.append(TaskSpec(
    id="classify",
    title="Classify",
    panel="understand",
    description="One label for the selection or for each region of a track, with its "
                "confidence: spoken intent (MINDS-14), keyword, emotion, or any audio "
                "classifier. Run on each region of a track: each result keeps the region it "
                "came from.",
    run="workbench.tasks.understand.tag:classify",
    sample_rate=16000,
    inputs=("regions", "selection", "file"),
    checkpoints=("anton-l/xtreme_s_xlsr_300m_minds14", "superb/hubert-large-superb-er",
                 "MIT/ast-finetuned-speech-commands-v2", "MIT/ast-finetuned-audioset-10-10-0.4593"),
    output_track="Classes",
    runs_trained=True,
    params=(
        Param("min_confidence", "float", 0.0, "Least confidence", 0.0, 1.0,
              help="Below this the region says “unknown”"),
    ),
))
