"""Voice calls: the same flows as texts, said with <Say> or recorded audio and answered by keypad or speech.

`calls` handles one Twilio voice webhook in one transaction (the conversation locked, like a
text); `turn` turns where the conversation stands into TwiML; `speaker` decides how each
sentence sounds (a Twilio voice, recorded audio, or a fallback language); `spoken` makes
text sound right when said; `recordings` keeps voicemail and recorded answers. `placed` says
what a call the hotline places is for; `bridge` puts someone through to a resident without
either learning the other's number; `missed` calls back a call that ended before the menu.
`sentence_recordings` keeps people's recordings of the hotline's own sentences, made on the
`recording_line` or uploaded, and `placeholders` synthesizes stand-ins for the most heard ones.
"""
