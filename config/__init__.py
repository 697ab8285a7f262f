"""Packaged defaults: default.toml is every setting the program has."""
