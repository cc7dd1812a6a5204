"""Single Window: cross-border e-commerce declaration service."""
