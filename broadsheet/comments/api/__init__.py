"""The comments JSON API (django-ninja): threads by URI, posting, counts, moderation.

Served under /api/; the schema is /api/openapi.json and the human docs /api/docs. It calls the
same pipeline and actions as the site's own comment form.
"""
