"""What leaves the hotline: the outbox, delivery through Twilio, pacing, and what delivery reports."""
