"""Reaching users between sessions: Alexa notifications through the Proactive Events API
(Login with Amazon token, MessageAlert events from the outbox, retries), the notification
permissions users grant, and the skill lifecycle bookkeeping (purge after SkillDisabled)."""
