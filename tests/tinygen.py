"""Tiny random-weight generation checkpoints, built offline from small configs and saved as the
real ones are (config, safetensors, tokenizer/processor files), so the Generate tasks load them
through the same transformers/diffusers code as facebook/mms-tts-eng, microsoft/speecht5_tts,
suno/bark-small, facebook/musicgen-small and cvssp/audioldm2.  Random weights make noise, not
speech or music: these check the mechanics (loading, progress, seeds, cancel, shapes, rates).
(tiny_ctc, a speech recognizer, checks generated speech in the intelligibility flow.)
"""
from __future__ import annotations

import io
import json
from pathlib import Path

TEXTS = ["the quick brown fox jumps over the lazy dog.", "hello world, how are you today?",
         "rain on a tin roof", "distant thunder", "a calm piano melody with soft drums",
         "an upbeat rock song with electric guitar", "low quality, distorted"] * 3


def _quiet():
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def _unigram(size: int):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tk = Tokenizer(models.Unigram())
    tk.pre_tokenizer = pre_tokenizers.Metaspace()
    tk.train_from_iterator(TEXTS, trainers.UnigramTrainer(vocab_size=size, unk_token="<unk>",
                                                          special_tokens=["<pad>", "</s>", "<unk>"]))
    return tk


def _t5_tokenizer(size: int = 60):
    from transformers import T5TokenizerFast

    return T5TokenizerFast(tokenizer_object=_unigram(size), pad_token="<pad>", eos_token="</s>",
                           unk_token="<unk>", extra_ids=0, model_max_length=77)


def tiny_vits(folder: Path, rate: int = 16000, full_size: bool = False) -> str:
    """VITS (the MMS-TTS architecture) with a character vocabulary, no phonemizer; full_size:
    MMS-TTS's own dimensions (36 M parameters), for timing."""
    import torch
    from transformers import VitsConfig, VitsModel, VitsTokenizer

    _quiet()
    torch.manual_seed(0)
    folder.mkdir(parents=True)
    chars = ["<pad>", "<unk>"] + list(" abcdefghijklmnopqrstuvwxyz'.,?!-")
    (folder / "vocab.json").write_text(json.dumps({c: i for i, c in enumerate(chars)}))
    VitsTokenizer(str(folder / "vocab.json"), pad_token="<pad>", unk_token="<unk>", add_blank=True,
                  language="eng", phonemize=False, is_uroman=False).save_pretrained(folder)
    config = VitsConfig(vocab_size=len(chars), sampling_rate=rate) if full_size else VitsConfig(
                        vocab_size=len(chars), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        ffn_dim=32, flow_size=16, spectrogram_bins=33, upsample_initial_channel=32,
                        upsample_rates=[8, 8, 4], upsample_kernel_sizes=[16, 16, 8],
                        resblock_kernel_sizes=[3], resblock_dilation_sizes=[[1, 3]],
                        prior_encoder_num_flows=1, prior_encoder_num_wavenet_layers=1,
                        posterior_encoder_num_wavenet_layers=1, duration_predictor_num_flows=1,
                        duration_predictor_filter_channels=16, depth_separable_num_layers=1,
                        sampling_rate=rate)
    VitsModel(config).save_pretrained(folder)
    return str(folder)


def tiny_speecht5(folder: Path, full_size: bool = False) -> tuple[str, str, str]:
    """SpeechT5 text-to-speech, its HiFi-GAN vocoder and a WavLM x-vector model (for "a voice
    like this one"): three folders, as on the Hub; full_size: speecht5_tts's and the HiFi-GAN's
    own dimensions, for timing."""
    import sentencepiece as spm
    import torch
    from transformers import (SpeechT5Config, SpeechT5FeatureExtractor, SpeechT5ForTextToSpeech,
                              SpeechT5HifiGan, SpeechT5HifiGanConfig, SpeechT5Processor,
                              SpeechT5Tokenizer)

    _quiet()
    torch.manual_seed(0)
    tts, vocoder, xvector = folder / "tts", folder / "hifigan", folder / "xvector"
    tts.mkdir(parents=True)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(TEXTS), model_writer=model, vocab_size=40,
                                   model_type="char", character_coverage=1.0, bos_id=0, pad_id=1,
                                   eos_id=2, unk_id=3, minloglevel=2)
    (tts / "spm_char.model").write_bytes(model.getvalue())
    tok = SpeechT5Tokenizer(str(tts / "spm_char.model"))
    SpeechT5Processor(feature_extractor=SpeechT5FeatureExtractor(), tokenizer=tok).save_pretrained(tts)
    config = SpeechT5Config(vocab_size=len(tok)) if full_size else SpeechT5Config(
                            vocab_size=len(tok), hidden_size=16, encoder_layers=1, decoder_layers=1,
                            encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32,
                            decoder_ffn_dim=32, speech_decoder_prenet_units=16,
                            speech_decoder_postnet_units=16, speech_decoder_postnet_layers=1,
                            speech_decoder_postnet_kernel=3, speaker_embedding_dim=512, num_mel_bins=80,
                            conv_dim=(16,), conv_stride=(5,), conv_kernel=(10,),
                            num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=2)
    SpeechT5ForTextToSpeech(config).save_pretrained(tts)
    SpeechT5HifiGan(SpeechT5HifiGanConfig() if full_size else SpeechT5HifiGanConfig(
                        model_in_dim=80, upsample_initial_channel=32, upsample_rates=[4, 4, 4, 4],
                        upsample_kernel_sizes=[8, 8, 8, 8], resblock_kernel_sizes=[3],
                        resblock_dilation_sizes=[[1, 3]])).save_pretrained(vocoder)
    tiny_xvector(xvector, dim=512)
    return str(tts), str(vocoder), str(xvector)


def tiny_xvector(folder: Path, dim: int = 512) -> str:
    """A WavLM x-vector model (microsoft/wavlm-base-plus-sv's architecture, tiny, random)."""
    from transformers import Wav2Vec2FeatureExtractor, WavLMConfig, WavLMForXVector

    Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0, do_normalize=True,
                             return_attention_mask=True).save_pretrained(folder)
    WavLMForXVector(WavLMConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                intermediate_size=32, conv_dim=(16, 16), conv_stride=(5, 4),
                                conv_kernel=(10, 4), num_conv_pos_embeddings=16,
                                num_conv_pos_embedding_groups=2, xvector_output_dim=dim,
                                tdnn_dim=(16, 16, 16, 16, 32), num_buckets=32, max_bucket_distance=64)
                    ).save_pretrained(folder)
    return str(folder)


def tiny_bark(folder: Path) -> str:
    """Bark's three GPTs and EnCodec at real vocabulary sizes (the generation code offsets into
    them) but 16 wide and one layer deep."""
    import torch
    from transformers import (BarkCoarseConfig, BarkConfig, BarkFineConfig, BarkModel, BarkProcessor,
                              BarkSemanticConfig, BertTokenizerFast, EncodecConfig)
    from transformers.models.bark.generation_configuration_bark import (
        BarkCoarseGenerationConfig, BarkFineGenerationConfig, BarkGenerationConfig,
        BarkSemanticGenerationConfig)

    _quiet()
    torch.manual_seed(0)
    folder.mkdir(parents=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list("abcdefghijklmnopqrstuvwxyz.,!?'♪") + ["[laughs]"]
    (folder / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    BarkProcessor(tokenizer=BertTokenizerFast(vocab_file=str(folder / "vocab.txt"))).save_pretrained(folder)
    common = dict(block_size=1024, num_layers=1, num_heads=2, hidden_size=16)
    codec = EncodecConfig(sampling_rate=24000, audio_channels=1, num_filters=4, hidden_size=16,
                          upsampling_ratios=[8, 5, 4, 2], codebook_size=1024, codebook_dim=16,
                          target_bandwidths=[6.0], num_lstm_layers=1)
    config = BarkConfig(
        semantic_config=BarkSemanticConfig(input_vocab_size=129600, output_vocab_size=10048, **common).to_dict(),
        coarse_acoustics_config=BarkCoarseConfig(input_vocab_size=12096, output_vocab_size=12096, **common).to_dict(),
        fine_acoustics_config=BarkFineConfig(input_vocab_size=1056, output_vocab_size=1056, n_codes_total=8,
                                             n_codes_given=1, **common).to_dict(),
        codec_config=codec.to_dict())
    BarkModel(config).save_pretrained(folder)
    # BarkGenerationConfig cannot go through save_pretrained's validation: write it as the Hub has it
    BarkGenerationConfig(semantic_config=BarkSemanticGenerationConfig(max_new_tokens=48).to_dict(),
                         coarse_acoustics_config=BarkCoarseGenerationConfig(max_coarse_history=60,
                                                                            sliding_window_len=20).to_dict(),
                         fine_acoustics_config=BarkFineGenerationConfig().to_dict(),
                         sample_rate=24000, codebook_size=1024).to_json_file(folder / "generation_config.json")
    return str(folder)


def _random_codebooks(model) -> None:
    """EnCodec's codebooks are buffers that start as zeros, so every code would decode to the same
    sound and seeds or conditioning could not be told apart by the audio: fill them at random."""
    import torch

    for name, buffer in model.audio_encoder.named_buffers():
        if name.endswith("codebook.embed"):
            buffer.copy_(torch.randn_like(buffer))


def tiny_musicgen(folder: Path) -> str:
    """MusicGen: T5 text encoder, 4-codebook EnCodec at 32 kHz / 50 frames a second, decoder."""
    import torch
    from transformers import (EncodecConfig, EncodecFeatureExtractor, MusicgenConfig,
                              MusicgenDecoderConfig, MusicgenForConditionalGeneration,
                              MusicgenProcessor, T5Config)

    _quiet()
    torch.manual_seed(0)
    folder.mkdir(parents=True)
    tokenizer = _t5_tokenizer(30)      # the trainer's vocabulary may come out larger than asked
    MusicgenProcessor(feature_extractor=EncodecFeatureExtractor(feature_size=1, sampling_rate=32000),
                      tokenizer=tokenizer).save_pretrained(folder)
    t5 = T5Config(vocab_size=len(tokenizer), d_model=16, d_kv=8, d_ff=32, num_layers=1, num_heads=2)
    # 4 codebooks of 64 codes (6 bits) at 50 frames a second: 4 * 50 * 6 / 1000 = 1.2 kbps
    codec = EncodecConfig(sampling_rate=32000, audio_channels=1, num_filters=4, hidden_size=16,
                          upsampling_ratios=[8, 5, 4, 4], codebook_size=64, codebook_dim=16,
                          num_lstm_layers=1, target_bandwidths=[1.2], compress=2, norm_type="weight_norm",
                          use_causal_conv=False)
    decoder = MusicgenDecoderConfig(vocab_size=64, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                    ffn_dim=32, num_codebooks=4, max_position_embeddings=2048,
                                    pad_token_id=64, bos_token_id=64)
    model = MusicgenForConditionalGeneration(MusicgenConfig(text_encoder=t5.to_dict(), audio_encoder=codec.to_dict(),
                                                            decoder=decoder.to_dict()))
    gen = model.generation_config
    gen.pad_token_id = gen.decoder_start_token_id = 64
    gen.do_sample, gen.guidance_scale, gen.max_length = True, 3.0, 1500
    _random_codebooks(model)
    model.save_pretrained(folder)
    return str(folder)


def tiny_musicgen_melody(folder: Path) -> str:
    """musicgen-melody: the same parts, the decoder conditioned on 12 chroma bins as well, with the
    tokenizer and the feature extractor's preprocessor_config.json (written as the real checkpoint
    has it: building the extractor itself needs torchaudio)."""
    import torch
    from transformers import (EncodecConfig, MusicgenMelodyConfig, MusicgenMelodyDecoderConfig,
                              MusicgenMelodyForConditionalGeneration, T5Config)

    _quiet()
    torch.manual_seed(0)
    folder.mkdir(parents=True)
    tokenizer = _t5_tokenizer(30)
    tokenizer.save_pretrained(folder)
    (folder / "preprocessor_config.json").write_text(json.dumps({
        "chunk_length": 30, "feature_extractor_type": "MusicgenMelodyFeatureExtractor", "feature_size": 12,
        "hop_length": 4096, "n_fft": 16384, "num_chroma": 12, "padding_side": "right", "padding_value": 0.0,
        "processor_class": "MusicgenMelodyProcessor", "return_attention_mask": True, "sampling_rate": 32000,
        "stem_indices": [3, 2]}))
    t5 = T5Config(vocab_size=len(tokenizer), d_model=16, d_kv=8, d_ff=32, num_layers=1, num_heads=2)
    codec = EncodecConfig(sampling_rate=32000, audio_channels=1, num_filters=4, hidden_size=16,
                          upsampling_ratios=[8, 5, 4, 4], codebook_size=64, codebook_dim=16,
                          num_lstm_layers=1, target_bandwidths=[1.2], compress=2, norm_type="weight_norm",
                          use_causal_conv=False)
    decoder = MusicgenMelodyDecoderConfig(vocab_size=64, hidden_size=16, num_hidden_layers=1,
                                          num_attention_heads=2, ffn_dim=32, num_codebooks=4,
                                          max_position_embeddings=2048, pad_token_id=64, bos_token_id=64,
                                          initializer_factor=1.0)   # logits far from uniform: the melody shows
    model = MusicgenMelodyForConditionalGeneration(MusicgenMelodyConfig(
        text_encoder=t5.to_dict(), audio_encoder=codec.to_dict(), decoder=decoder.to_dict(), num_chroma=12,
        chroma_length=235))
    gen = model.generation_config
    gen.pad_token_id = gen.decoder_start_token_id = 64
    gen.do_sample, gen.guidance_scale, gen.max_length = True, 3.0, 1500
    _random_codebooks(model)
    model.save_pretrained(folder)
    return str(folder)


def _clap_parts(audio_ok: bool = False):
    """A toy CLAP model and the RoBERTa-style BPE tokenizer its text side reads, built offline."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import ClapAudioConfig, ClapConfig, ClapModel, ClapTextConfig, RobertaTokenizerFast

    text = ClapTextConfig(bos_token_id=0, eos_token_id=2, hidden_size=8, intermediate_size=37, num_attention_heads=1,
                          num_hidden_layers=1, pad_token_id=1, vocab_size=400, projection_dim=8)
    if audio_ok:       # an audio side that takes real windows (up to 10 s at 16 kHz, hop 1280)
        audio = ClapAudioConfig(spec_size=32, num_mel_bins=8, window_size=4, patch_size=4, patch_stride=4,
                                depths=[1, 1], num_attention_heads=[1, 1], patch_embeds_hidden_size=8,
                                hidden_size=16, projection_dim=8, intermediate_size=16, num_hidden_layers=2,
                                patch_embed_input_channels=4)
    else:              # AudioLDM 2 uses the text side only
        audio = ClapAudioConfig(spec_size=8, window_size=4, num_mel_bins=8, intermediate_size=37, depths=[1, 1],
                                num_attention_heads=[1, 1], num_hidden_layers=1, hidden_size=192, projection_dim=8,
                                patch_size=2, patch_stride=2, patch_embed_input_channels=4)
    clap = ClapModel(ClapConfig(text_config=text.to_dict(), audio_config=audio.to_dict(), projection_dim=16))
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(TEXTS, trainers.BpeTrainer(vocab_size=300, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                                       special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"]))
    bpe.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    roberta = RobertaTokenizerFast(tokenizer_object=bpe, model_max_length=77, bos_token="<s>", eos_token="</s>",
                                   pad_token="<pad>", unk_token="<unk>", mask_token="<mask>")
    return clap, roberta


def tiny_clap(folder: Path) -> str:
    """A CLAP checkpoint (model, feature extractor at 16 kHz, tokenizer) for zero-shot labels."""
    import torch
    from transformers import ClapFeatureExtractor, ClapProcessor

    _quiet()
    torch.manual_seed(0)
    clap, roberta = _clap_parts(audio_ok=True)
    clap.save_pretrained(folder)
    ClapProcessor(feature_extractor=ClapFeatureExtractor(feature_size=8, sampling_rate=16000, hop_length=1280,
                                                         fft_window_size=256),
                  tokenizer=roberta).save_pretrained(folder)
    return str(folder)


def tiny_audioldm2(folder: Path) -> str:
    """An AudioLDM 2 pipeline (CLAP, T5, GPT-2, projection, UNet, VAE, HiFi-GAN) at toy sizes."""
    import torch
    from diffusers import (AudioLDM2Pipeline, AudioLDM2ProjectionModel, AudioLDM2UNet2DConditionModel,
                           AutoencoderKL, DDIMScheduler)
    from transformers import (ClapFeatureExtractor, GPT2Config, GPT2LMHeadModel, SpeechT5HifiGan,
                              SpeechT5HifiGanConfig, T5Config, T5EncoderModel)

    _quiet()
    import diffusers

    diffusers.utils.logging.set_verbosity_error()
    torch.manual_seed(0)
    unet = AudioLDM2UNet2DConditionModel(block_out_channels=(8, 16), layers_per_block=1, norm_num_groups=8,
                                         sample_size=32, in_channels=4, out_channels=4,
                                         down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                                         up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
                                         cross_attention_dim=(8, 16))
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              clip_sample=False, set_alpha_to_one=False)
    vae = AutoencoderKL(block_out_channels=[8, 16], in_channels=1, out_channels=1,
                        down_block_types=["DownEncoderBlock2D"] * 2, up_block_types=["UpDecoderBlock2D"] * 2,
                        latent_channels=4, norm_num_groups=8)
    clap, roberta = _clap_parts()
    gpt = GPT2LMHeadModel(GPT2Config(n_embd=16, n_head=2, n_layer=1, vocab_size=300, n_ctx=99, n_positions=99))
    gpt.config.max_new_tokens = 8
    vocoder = SpeechT5HifiGan(SpeechT5HifiGanConfig(model_in_dim=8, sampling_rate=16000, upsample_initial_channel=16,
                                                    upsample_rates=[2, 2], upsample_kernel_sizes=[4, 4],
                                                    resblock_kernel_sizes=[3], resblock_dilation_sizes=[[1, 3]],
                                                    normalize_before=False))
    t5_tokenizer = _t5_tokenizer(60)
    AudioLDM2Pipeline(vae=vae, text_encoder=clap, text_encoder_2=T5EncoderModel(T5Config(
                          vocab_size=len(t5_tokenizer), d_model=32, d_ff=37, d_kv=8, num_heads=2, num_layers=1)),
                      projection_model=AudioLDM2ProjectionModel(text_encoder_dim=16, text_encoder_1_dim=32,
                                                                langauge_model_dim=16),
                      language_model=gpt, tokenizer=roberta, tokenizer_2=t5_tokenizer,
                      feature_extractor=ClapFeatureExtractor(feature_size=8, sampling_rate=16000,
                                                             hop_length=7900, fft_window_size=32),
                      unet=unet, scheduler=scheduler, vocoder=vocoder).save_pretrained(folder)
    return str(folder)


def tiny_ctc(folder: Path) -> str:
    """A wav2vec 2.0 CTC model with random weights and a character vocabulary, built offline."""
    from transformers import (Wav2Vec2Config, Wav2Vec2CTCTokenizer, Wav2Vec2FeatureExtractor,
                              Wav2Vec2ForCTC, Wav2Vec2Processor)

    folder.mkdir()
    chars = ["<pad>", "<s>", "</s>", "<unk>", "|"] + list("ABCDEFGHIJKLMNOPQRSTUVWXYZ'")
    (folder / "vocab.json").write_text(json.dumps({c: i for i, c in enumerate(chars)}))
    tok = Wav2Vec2CTCTokenizer(str(folder / "vocab.json"), word_delimiter_token="|")
    fe = Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0,
                                  do_normalize=True, return_attention_mask=False)
    Wav2Vec2Processor(feature_extractor=fe, tokenizer=tok).save_pretrained(folder)
    config = Wav2Vec2Config(vocab_size=len(chars), hidden_size=32, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64, conv_dim=(32, 32),
                            conv_stride=(5, 4), conv_kernel=(10, 4), num_conv_pos_embeddings=16,
                            num_conv_pos_embedding_groups=2, pad_token_id=0)
    Wav2Vec2ForCTC(config).save_pretrained(folder)
    return str(folder)


def tiny_wav2vec2_classifier(folder: Path, labels=("pay_bill", "balance", "abroad")) -> str:
    """A wav2vec 2.0 sequence classifier (the architecture of XLS-R intent models such as
    anton-l/xtreme_s_xlsr_300m_minds14) with random weights, built offline."""
    import torch
    from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2ForSequenceClassification

    torch.manual_seed(0)
    folder.mkdir()
    Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0, do_normalize=True,
                             return_attention_mask=True).save_pretrained(folder)
    config = Wav2Vec2Config(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                            intermediate_size=64, conv_dim=(32, 32), conv_stride=(5, 4),
                            conv_kernel=(10, 4), num_conv_pos_embeddings=16,
                            num_conv_pos_embedding_groups=2, classifier_proj_size=16,
                            id2label=dict(enumerate(labels)), label2id={n: i for i, n in enumerate(labels)})
    Wav2Vec2ForSequenceClassification(config).save_pretrained(folder)
    return str(folder)


def tiny_stable_audio(folder: Path) -> str:
    """Stable Audio Open's pipeline (T5, projection, DiT, Oobleck VAE, the cosine DPM-Solver SDE
    scheduler that needs torchsde) at toy sizes: stereo at a toy 1 kHz."""
    import torch
    from diffusers import (AutoencoderOobleck, CosineDPMSolverMultistepScheduler, StableAudioDiTModel,
                           StableAudioPipeline)
    from diffusers.pipelines.stable_audio import StableAudioProjectionModel
    from transformers import T5Config, T5EncoderModel

    _quiet()
    torch.manual_seed(0)
    tokenizer = _t5_tokenizer(60)
    StableAudioPipeline(
        vae=AutoencoderOobleck(encoder_hidden_size=6, downsampling_ratios=[2, 2], decoder_channels=3,
                               decoder_input_channels=3, audio_channels=2, channel_multiples=[2, 4],
                               sampling_rate=1000),
        text_encoder=T5EncoderModel(T5Config(vocab_size=len(tokenizer), d_model=32, d_ff=37, d_kv=8,
                                             num_heads=2, num_layers=1)),
        projection_model=StableAudioProjectionModel(text_encoder_dim=32, conditioning_dim=4, min_value=0,
                                                    max_value=32),
        tokenizer=tokenizer,
        transformer=StableAudioDiTModel(sample_size=512, in_channels=3, num_layers=2, attention_head_dim=4,
                                        num_attention_heads=2, num_key_value_attention_heads=2, out_channels=3,
                                        cross_attention_dim=4, time_proj_dim=8, global_states_input_dim=8,
                                        cross_attention_input_dim=4),
        scheduler=CosineDPMSolverMultistepScheduler(solver_order=2, prediction_type="v_prediction",
                                                    sigma_data=1.0, sigma_schedule="exponential"),
    ).save_pretrained(folder)
    return str(folder)
