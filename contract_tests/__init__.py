"""Contract tests: the emulator's wire output held to OpenAI's published OpenAPI spec."""
