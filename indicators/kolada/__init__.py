"""Kolada's open API (RKA): the HTTP client. The sync that stores what it fetches is
indicators.services.kolada_sync; the reader of uploaded Kolada files is
indicators.importers.kolada."""

from indicators.kolada.client import KoladaClient, KoladaError, KoladaPage

__all__ = ["KoladaClient", "KoladaError", "KoladaPage"]
