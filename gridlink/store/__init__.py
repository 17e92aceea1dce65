"""Persistence: SQLAlchemy models, Alembic migrations, the database handle and blob storage."""
