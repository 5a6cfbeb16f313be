"""Sandboxes: the hotline on a throwaway database with demo volunteers, where nothing reaches a phone.

`hotline chat` talks to one from a terminal; the console's practice phone (`/try`) keeps one per
signed-in person. Neither ever opens DATABASE_URL, Redis or Twilio.
"""
