"""Generation: prompts, OpenAI-compatible clients, offline providers, code extraction."""
