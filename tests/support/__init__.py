"""What the tests share besides fixtures: settings, servers, factories of test data."""
