"""The `coop` command line. It is the one place that knows every service."""
