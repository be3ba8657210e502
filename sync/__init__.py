"""The sync protocol: wire types, a small HTTP client, and the central server (sync/server). No Qt."""
