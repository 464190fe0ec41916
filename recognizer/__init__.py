"""recognizer: live drawing recognition over a websocket (protocol v1, docs/protocol.md)."""
