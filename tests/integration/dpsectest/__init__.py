"""Helpers for dpsec's integration tests: run dpsecd on virtual devices, talk
to it through the real `dpsec` client, and build or check ESP with scapy as
the independent implementation."""
