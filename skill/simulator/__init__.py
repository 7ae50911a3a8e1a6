"""The local simulator: typed utterances -> real Alexa request envelopes -> the same skill
object Lambda and the web service run (see session.py; the CLI is `python -m skill chat`)."""

from skill.simulator.nlu import IntentMatch, LanguageModel, SlotFill
from skill.simulator.session import Simulator, TurnResult

__all__ = ["IntentMatch", "LanguageModel", "SlotFill", "Simulator", "TurnResult"]
