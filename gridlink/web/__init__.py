"""The FastAPI application: health, metrics, webhooks, the AS2 endpoint, the REST API and the pages."""
