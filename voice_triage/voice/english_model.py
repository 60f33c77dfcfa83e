"""The English Vosk model the project uses: its folder name, official address and checksum (no imports, so the
recognizer can name its folder without loading the download code)."""

MODEL_NAME = "vosk-model-small-en-us-0.15"
MODEL_URL = f"https://alphacephei.com/vosk/models/{MODEL_NAME}.zip"
MODEL_SHA256 = "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"
