"""The HTTP API (JSON, OpenAPI at ``/docs``) and the server-rendered dashboard.

``create_app(config, client=None)`` builds the FastAPI app; ``pricewatch web`` serves it. See
docs/search.md for the endpoints and the token rule.
"""
