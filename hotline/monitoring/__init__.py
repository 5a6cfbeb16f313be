"""What operators look at: the health check, the metrics, and `hotline doctor`'s checks."""
