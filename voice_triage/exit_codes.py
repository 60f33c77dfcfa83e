"""The exit codes of `voice-triage` and its commands (README, "Exit codes"); `models download` has its own."""

EXIT_OK, EXIT_USAGE, EXIT_CONTENT, EXIT_VOICE, EXIT_REPORT, EXIT_INTERRUPTED = 0, 2, 3, 4, 5, 130
