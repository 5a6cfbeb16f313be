"""What residents and volunteers own: erasing a person, what is held about them, how long things are kept."""
