"""Declarations of the Generate tasks that need no model (Audacity's Generate menu).  Cheap to
import: the renderers are numpy only and load when a task runs."""
from dataclasses import replace

from workbench.tasks.spec import Param, TaskSpec

TASKS: list[TaskSpec] = []   # the registry registers them, in this order
RUN = "workbench.tasks.generate.signals:"
DURATION = Param("duration", "float", 5.0, "Duration", 0.001, 36000.0, unit="s")
AMPLITUDE = Param("amplitude", "float", 0.8, "Amplitude", 0.0, 1.0, help="Peak level (1 is full scale)")


def generator(id: str, title: str, description: str, *params: Param) -> None:
    TASKS.append(TaskSpec(id=id, title=title, panel="generate", description=description,
                      run=RUN + f"render_{id}", sample_rate=None, inputs=(), needs_model=False,
                      output_track=title, params=params, kind="render"))


generator("tone", "Tone", "A steady tone: sine, square, sawtooth or triangle; give “Sweep to” a "
          "frequency to glide there over the duration.",
          Param("waveform", "choice", "sine", "Waveform", choices=("sine", "square", "sawtooth", "triangle")),
          Param("frequency", "float", 440.0, "Frequency", 1.0, 384000.0, unit="Hz"),
          Param("sweep_to", "float", 0.0, "Sweep to", 0.0, 384000.0, unit="Hz", zero="none",
                help="none: no sweep; otherwise the frequency at the end"),
          AMPLITUDE, DURATION)
generator("chirp", "Chirp", "A sine sweeping from one frequency to another, linearly or on a "
          "logarithmic scale (equal time per octave): for measuring responses.",
          Param("start_frequency", "float", 100.0, "From", 1.0, 384000.0, unit="Hz"),
          Param("end_frequency", "float", 10000.0, "To", 1.0, 384000.0, unit="Hz"),
          Param("scale", "choice", "log", "Scale", choices=("log", "linear")),
          AMPLITUDE, DURATION)
generator("noise", "Noise", "White, pink (equal energy per octave) or brown noise. The same seed "
          "gives the same noise.",
          Param("colour", "choice", "white", "Colour", choices=("white", "pink", "brown")),
          Param("amplitude", "float", 0.5, "Amplitude", 0.0, 1.0, help="Peak level (RMS is a third)"),
          Param("seed", "int", 0, "Seed", 0, 2 ** 31 - 1), DURATION)
generator("silence", "Silence", "Silence of a given length, as a clip.", DURATION)
generator("dtmf", "DTMF tones", "Telephone keypad tones for a string of digits (0-9, *, #, A-D).",
          Param("digits", "str", "0123456789", "Digits"),
          Param("tone", "float", 0.1, "Tone length", 0.005, 10.0, unit="s"),
          Param("gap", "float", 0.05, "Gap", 0.0, 10.0, unit="s"),
          AMPLITUDE)
generator("click", "Click track", "A metronome click on every beat, the first beat of each bar "
          "higher.",
          Param("tempo", "float", 120.0, "Tempo", 10.0, 600.0, unit="BPM"),
          Param("beats", "int", 16, "Beats", 1, 100000),
          Param("beats_per_bar", "int", 4, "Beats per bar", 0, 64, zero="no accent", help="0: no accent"),
          AMPLITUDE)


# -- generators driven by models (any compatible checkpoint by Hub id or local folder) ------------
SEED = Param("seed", "int", 0, "Seed", 0, 2 ** 31 - 1, help="The same seed, settings and model give "
             "the same audio on the CPU")
VARIATIONS = Param("variations", "int", 1, "Variations", 1, 16,
                   help="How many takes, with seeds seed, seed+1, ...; each lands on its own track")


def model_generator(id: str, title: str, description: str, run: str, checkpoints: tuple,
                    *params: Param, reads_selection: bool = False, families: dict | None = None,
                    seed: Param = SEED, speaks_text: bool = False) -> None:
    TASKS.append(TaskSpec(id=id, title=title, panel="generate", description=description,
                          run=run, sample_rate=None, inputs=("selection",) if reads_selection else (),
                          needs_model=True, checkpoints=checkpoints, output_track=title,
                          params=params + (seed, replace(VARIATIONS, families=seed.families)),
                          families=families or {}, kind="render", reads_selection=reads_selection,
                          speaks_text=speaks_text))


# the speech model families, and words in a checkpoint's id that name each
SPEECH = {"kokoro": ("kokoro",), "speecht5": ("speecht5",), "bark": ("bark",),
          "vits": ("mms-tts", "vits")}
KOKORO_VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
# (voice, what it is): the bundled styles are Kokoro's Japanese voices; they speak English here
KOKORO_NOTES = tuple((v, f"Kokoro's Japanese {'male' if v.startswith('jm_') else 'female'} voice "
                         f"“{v[3:]}”, speaking English") for v in KOKORO_VOICES)


model_generator(
    "tts", "Speech", "Text to speech. VITS/MMS-TTS voices speak one language each; SpeechT5 speaks in "
    "a voice taken from the selected speech, a preset or a saved x-vector; Bark takes voice presets, sings "
    "text inside ♪ … ♪ and acts cues like [laughs]. kokoro (bundled) speaks English offline with no "
    "download (Kokoro-82M, Apache-2.0; phonemes by gruut, MIT), the same way for every seed. Long "
    "text is cut at sentence ends.",
    "workbench.tasks.generate.speech:render_tts",
    ("kokoro (bundled)", "facebook/mms-tts-eng", "microsoft/speecht5_tts", "suno/bark-small",
     "facebook/mms-tts-deu", "facebook/mms-tts-fra", "facebook/mms-tts-spa"),
    Param("text", "text", "Hello. This is Audio Workbench speaking.", "Text"),
    Param("voice", "str", "", "Voice", families=("kokoro", "speecht5", "bark"), suggestions=(
              ("kokoro", KOKORO_NOTES),
              ("speecht5", (("", "the voice of the selected speech (jf_alpha when nothing is selected)"),)
               + KOKORO_NOTES),
              ("bark", ("v2/en_speaker_6", "v2/en_speaker_9", "v2/de_speaker_3", "v2/fr_speaker_1"))),
          help="kokoro: one of its bundled voice styles (empty: jf_alpha); they are Kokoro's "
               "Japanese voices (jf_: female, jm_: male) speaking English, with an accent, as no "
               "package ships its English styles. SpeechT5: a preset (the same five local voices), "
               "a .npy x-vector, or empty for the voice of the selection (jf_alpha when nothing is "
               "selected). Bark: a preset such as v2/en_speaker_6"),
    Param("speaker_model", "str", "microsoft/wavlm-base-plus-sv", "Voice model", families=("speecht5",),
          help="SpeechT5: the x-vector model that takes a voice from the selection"),
    Param("vocoder", "str", "microsoft/speecht5_hifigan", "Vocoder", families=("speecht5",),
          help="SpeechT5: the HiFi-GAN vocoder"),
    Param("pieces", "choice", "one clip", "Sentences", choices=("one clip", "a clip per sentence")),
    Param("pause", "float", 0.3, "Pause", 0.0, 10.0, unit="s", help="Silence between sentences"),
    Param("speaking_rate", "float", 1.0, "Speaking rate", 0.25, 4.0, families=("vits", "kokoro"),
          help="2 is twice as fast"),
    reads_selection=True, families=SPEECH, speaks_text=True,
    seed=Param("seed", "int", 0, "Seed", 0, 2 ** 31 - 1, families=("vits", "speecht5", "bark"),
               help="The same seed, settings and model give the same audio on the CPU"))
model_generator(
    "music", "Music", "Music from a description with MusicGen; it can continue the selected audio, "
    "and musicgen-melody checkpoints follow the selection's melody.",
    "workbench.tasks.generate.music:render_music",
    ("facebook/musicgen-small", "facebook/musicgen-medium", "facebook/musicgen-large",
     "facebook/musicgen-melody"),
    Param("text", "text", "calm lo-fi piano with soft drums, 80 bpm", "Description"),
    Param("duration", "float", 8.0, "Duration", 0.5, 30.0, unit="s"),
    Param("use_selection", "choice", "ignore", "Selection", choices=("ignore", "continue it", "as the melody"),
          help="Continue the selected audio, or (musicgen-melody) follow its melody"),
    Param("guidance", "float", 3.0, "Guidance", 0.0, 20.0, help="How closely to follow the text (1: off)"),
    Param("temperature", "float", 1.0, "Temperature", 0.05, 5.0),
    Param("top_k", "int", 250, "Top-k", 0, 100000),
    Param("top_p", "float", 0.0, "Top-p", 0.0, 1.0, zero="off", help="0: off"),
    reads_selection=True)
model_generator(
    "sfx", "Sound effect", "Sound effects and ambiences from a description by text-to-audio diffusion "
    "(AudioLDM 2, AudioLDM, Stable Audio Open).",
    "workbench.tasks.generate.sfx:render_sfx",
    ("cvssp/audioldm2", "cvssp/audioldm2-large", "cvssp/audioldm-s-full-v2",
     "stabilityai/stable-audio-open-1.0"),
    Param("text", "text", "rain on a tin roof, distant thunder", "Description"),
    Param("negative", "str", "low quality, distorted", "Avoid"),
    Param("duration", "float", 5.0, "Duration", 0.5, 47.0, unit="s"),
    Param("steps", "int", 50, "Steps", 1, 1000),
    Param("guidance", "float", 3.5, "Guidance", 0.0, 30.0))
TASKS.append(TaskSpec(
    id="enhance", title="Enhance speech", panel="generate",
    description="Takes the noise out of the selected speech (DeepFilterNet 3, bundled: works "
                "offline) and puts the clean speech in a new clip; the original stays as it was.",
    run="workbench.tasks.generate.enhance:render_enhance", sample_rate=None, inputs=("selection",),
    needs_model=False, checkpoints=("DeepFilterNet3 (bundled)",), output_track="Enhanced",
    params=(Param("attenuation", "float", 100.0, "Noise reduction", 0.0, 100.0, unit="dB",
                  help="At most this much quieter: 12-20 dB keeps a little room tone; 100: all of it"),
            Param("post_filter", "float", 0.0, "Post-filter", 0.0, 0.05, zero="off", decimals=3,
                  help="Extra suppression in very noisy passages (0: off; 0.02 is strong)")),
    kind="render", reads_selection=True))
