"""The suite's HTTP door (docs/adr/023-http-api.md): a JSON API over the services' RPC methods."""
