"""clientload."""
