"""Errors of the voice layer; each message is one line that says what to do."""


class VoiceUnavailable(RuntimeError):
    """Voice mode cannot run here (missing library, device or engine); fall back to typed mode."""


class AudioFormatError(ValueError):
    """Audio input that cannot be read or converted to 16 kHz mono 16-bit PCM."""


class ModelError(VoiceUnavailable):
    """A speech-recognition model folder is missing or broken."""
