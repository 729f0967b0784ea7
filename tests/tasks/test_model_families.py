"""Forms per model family: a param that does not apply to the chosen model is not shown and is
not written into the provenance (Kokoro has no seed and no SpeechT5 vocoder)."""
import json


from workbench.tasks import registry
from audio_fixtures import drain


def test_the_family_of_each_offered_speech_model():
    tts = registry.get("tts")
    families = {c: tts.family(c) for c in tts.checkpoints}
    assert families["kokoro (bundled)"] == "kokoro"
    assert families["microsoft/speecht5_tts"] == "speecht5" and families["suno/bark-small"] == "bark"
    assert {families[c] for c in tts.checkpoints if "mms-tts" in c} == {"vits"}
    assert tts.family("someone/unknown-voice") == ""            # unknown: every field shows
    assert all(tts.applies(p, "someone/unknown-voice") for p in tts.params)


def test_a_folder_says_its_family_in_its_config(tmp_path):
    tts = registry.get("tts")
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "speecht5"}))
    assert tts.family(str(tmp_path)) == "speecht5"
    (tmp_path / "config.json").write_text("{not json")
    assert tts.family(str(tmp_path)) == ""


def test_what_applies_to_kokoro_and_to_speecht5():
    tts = registry.get("tts")
    shown = {c: {p.name for p in tts.params if tts.applies(p, c)}
             for c in ("kokoro (bundled)", "microsoft/speecht5_tts", "facebook/mms-tts-eng")}
    assert {"seed", "variations", "speaker_model", "vocoder"}.isdisjoint(shown["kokoro (bundled)"])
    assert {"voice", "speaking_rate"} <= shown["kokoro (bundled)"]
    assert {"seed", "speaker_model", "vocoder", "voice"} <= shown["microsoft/speecht5_tts"]
    assert "voice" not in shown["facebook/mms-tts-eng"] and "seed" in shown["facebook/mms-tts-eng"]
    overview = registry.get("overview")
    assert not overview.applies(next(p for p in overview.params if p.name == "window_s"), "yamnet (bundled)")
    voice = next(p for p in tts.params if p.name == "voice")
    assert [v for v, _ in voice.suggested("kokoro")][0] == "jf_alpha"
    assert "English" in dict(voice.suggested("kokoro"))["jm_kumo"]


def test_kokoro_s_provenance_keeps_only_what_applied():
    from workbench.tasks.generate.run import run_generate

    spec = registry.get("tts")
    _, result = drain(run_generate(spec, {"text": "Hello."}, 24000, checkpoint="kokoro (bundled)"))
    (clip,) = result.audio
    params = clip.provenance["params"]
    assert params["text"] == "Hello." and "voice" in params
    assert {"seed", "variations", "speaker_model", "vocoder"}.isdisjoint(params)
    assert "seed" not in clip.provenance and clip.provenance["model"] == "kokoro (bundled)"


def test_the_wake_word_models_have_no_window_to_set():
    kw = registry.get("keywords")
    assert kw.checkpoints[0] == "microwakeword (bundled)"
    shown = {p.name for p in kw.params if kw.applies(p, kw.checkpoints[0])}
    assert shown == {"keywords", "threshold"}
    assert {"window_s", "hop_s"} <= {p.name for p in kw.params if kw.applies(p, "MIT/ast-finetuned-speech-commands-v2")}
    words = next(p for p in kw.params if p.name == "keywords").suggested("microwakeword")
    assert "okay_nabu" in words and ("", "all four wake words") in words
