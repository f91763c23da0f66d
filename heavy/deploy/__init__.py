"""Deployment pieces: the Caddyfile for several hosts behind one proxy, and ``heavy hosts``."""
