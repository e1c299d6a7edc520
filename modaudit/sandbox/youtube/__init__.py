"""YouTube Data API v3 subset and Google's OAuth token endpoint, served by the simulator."""
