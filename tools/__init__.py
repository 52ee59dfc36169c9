"""Developer tools outside the suite: the benchmark (make bench), its load client, and the inspector screenshots."""
