"""How sure the dialog must be of an answer, and how often it asks: shared by the dialog and its sub-dialogs."""

MAX_TRIES = 3  # asks of one question before moving on as not understood
MIN_CONFIDENCE = 0.5  # a heard answer below this is asked again (or, when it matters, checked)
# A spoken "no" to a red flag below this confidence is checked: in noise, "yes" is sometimes heard as a
# fairly confident "no" (benchmark, 10 dB: about 6 in 10 of those wrong answers score under 0.8).
SURE_NO = 0.8
# The same line takes a spoken answer to a step ("Has it been more than six weeks?") at the first hearing; below
# it the step is asked again and taken once heard twice (steps.py).
# A step heard two ways is asked again up to this many hearings in all before it is "not understood": at 10 dB the
# age was not understood in 7 of 12 conversations, and an age not understood counts as possibly over fifty.
MAX_STEP_HEARINGS = 4
# Spoken controls ("repeat", "go back"...) acted on per question asked; more are misses. In the 10 dB benchmark
# "a year" was heard as "what" (repeat) or "previous" (go back) again and again: 253 asks of one question.
MAX_SPOKEN_CONTROLS = 5
# ... and in the whole conversation for those that undo answers, or noise could keep starting it over. A spoken
# "start over" whose check is answered with a clear "no" is not counted: the person changed their mind.
MAX_SPOKEN_UNDO = {"back": 10, "restart": 2}
