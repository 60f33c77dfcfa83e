"""The exit codes of `voice-triage` and its commands (README, "Exit codes"); `models download` has its own."""

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, EXIT_CONTENT, EXIT_VOICE, EXIT_REPORT = 0, 1, 2, 3, 4, 5
EXIT_NOTHING_HEARD = 6  # recorded answers (--audio-in) in which no answer was heard: no advice from nothing
EXIT_INTERRUPTED = 130
