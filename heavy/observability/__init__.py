"""What a running Heavy Stack tells its operators: log lines that carry the id of the request or
stream connection they belong to, and optional OpenTelemetry traces. See docs/observability.md."""
