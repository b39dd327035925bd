"""Rules of notifications: default texts per event and language, template rendering."""
