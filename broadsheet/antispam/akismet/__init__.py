"""The Akismet-compatible HTTP API (spec: shared/specs/akismet-api.md), answered by the local
spam engine so a site keeps its Akismet plugin and stops sending commenters' data away."""
