"""HTTP adapters: parse, authenticate, call a service, serialise. No business rules."""
