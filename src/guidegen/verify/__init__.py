"""Verification: perform every step of a guide in Chromium and report what drifted."""
