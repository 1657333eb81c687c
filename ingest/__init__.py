"""Loaders: validate whole inputs first, then write in batched, idempotent transactions."""
