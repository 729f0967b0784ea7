"""Declarations of the Generate tasks that need no model (Audacity's Generate menu).  Cheap to
import: the renderers are numpy only and load when a task runs."""
from workbench.tasks.spec import Param, TaskSpec

TASKS: list[TaskSpec] = []   # the registry registers them, in this order
RUN = "workbench.tasks.generate.signals:"
DURATION = Param("duration", "float", 5.0, "Duration", 0.001, 36000.0, unit="s")
AMPLITUDE = Param("amplitude", "float", 0.8, "Amplitude", 0.0, 1.0, help="Peak level (1 is full scale)")


def generator(id: str, title: str, description: str, *params: Param) -> None:
    TASKS.append(TaskSpec(id=id, title=title, panel="generate", description=description,
                      run=RUN + f"render_{id}", sample_rate=None, inputs=(), needs_model=False,
                      output_track=title, params=params))


generator("tone", "Tone", "A steady tone: sine, square, sawtooth or triangle; give “Sweep to” a "
          "frequency to glide there over the duration.",
          Param("waveform", "choice", "sine", "Waveform", choices=("sine", "square", "sawtooth", "triangle")),
          Param("frequency", "float", 440.0, "Frequency", 1.0, 384000.0, unit="Hz"),
          Param("sweep_to", "float", 0.0, "Sweep to", 0.0, 384000.0, unit="Hz",
                help="0: no sweep; otherwise the frequency at the end"),
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
          Param("beats_per_bar", "int", 4, "Beats per bar", 0, 64, help="0: no accent"),
          AMPLITUDE)
