"""Recording reader, writer, fixture backend and replay tests."""
