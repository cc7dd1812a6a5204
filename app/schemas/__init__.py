"""Request and response models: the API's shapes, with their validation."""
