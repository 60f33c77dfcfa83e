"""Hands-free voice layer: audio in, endpointing, grammar recognizers, speech out."""
from voice_triage.voice.errors import AudioFormatError, ModelError, VoiceUnavailable

__all__ = ["AudioFormatError", "ModelError", "VoiceUnavailable"]
