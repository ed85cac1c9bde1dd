"""Local replicas of the news sites monitor crawls, for the demo and the tests."""
