"""Parser tests: hand-built payloads in the exact wire format → domain models."""
