"""voice-triage: offline voice triage aid for lower back and hip pain (not a diagnosis)."""
__version__ = "0.1.0"
