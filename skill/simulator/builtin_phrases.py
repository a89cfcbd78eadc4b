"""How people usually say Alexa's built-in intents.

Alexa trains these itself, so a model lists no samples for them (or only extra ones).
The offline resolver needs them spelled out; these are the common phrasings from Amazon's
standard built-in intent documentation and everyday use. "exit" is absent on purpose:
Alexa ends the session for it with a SessionEndedRequest rather than an intent.
"""

BUILTIN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.HelpIntent": (
        "help", "help me", "i need help", "can you help me", "what can i say", "what do i say",
        "what can you do", "what can i do", "what are my options", "how do i use this",
        "how does this work", "instructions", "what questions can you answer", "what sort of questions do you answer",
        "what can i ask you",
    ),
    "AMAZON.StopIntent": (
        "stop", "stop it", "stop talking", "off", "shut up", "be quiet", "quiet", "quit",
        "goodbye", "bye", "bye bye", "that's all", "that's enough", "enough", "that's all thanks", "thanks that's all", "go away", "leave me alone", "end", "that will do",
    ),
    "AMAZON.CancelIntent": (
        "cancel", "cancel that", "never mind", "nevermind", "forget it", "forget about it",
        "don't worry about it", "scrap that", "scratch that", "forget that",
    ),
    "AMAZON.YesIntent": (
        "yes", "yeah", "yep", "yup", "yes please", "sure", "sure thing", "ok", "okay",
        "alright", "all right", "of course", "please", "please do", "go ahead", "why not",
        "definitely", "absolutely", "sounds good", "i do", "yes i do", "yes tell me",
        "tell me", "i would", "yes i would", "i'd like that", "do it", "go on", "yes go on",
        "sure go on", "go on then", "sure go on then", "yes please go on", "ja", "aye", "yeah go on",
    ),
    "AMAZON.NoIntent": (
        "no", "nope", "nah", "no thanks", "no thank you", "not now", "not really", "no i don't",
        "i don't", "i'm good", "i'm fine", "no i'm good", "no i'm fine", "not today",
        "i'd rather not", "no way", "maybe later", "not right now", "no not now", "no ta", "no thanks mate", "no i'm all right", "i'm all right", "no i'm okay", "i'm okay",
    ),
    "AMAZON.RepeatIntent": (
        "repeat", "repeat that", "repeat please", "say that again", "say it again",
        "can you repeat that", "could you repeat that", "what did you say", "come again",
        "pardon", "pardon me", "sorry what", "one more time", "again", "huh", "what was that",
        "i didn't catch that", "sorry i didn't catch that", "say again", "i missed that", "i missed it",
        "one more time please",
    ),
    "AMAZON.NavigateHomeIntent": (
        "go home", "home", "main menu", "go to the main menu", "back to the start",
        "go back to the start", "back to the beginning",
    ),
    "AMAZON.NextIntent": (
        "next", "next one", "next step", "next stretch", "next part", "what's next", "move on",
        "keep going", "ready for the next one", "okay next", "next please", "go to the next one",
    ),
    "AMAZON.PreviousIntent": (
        "previous", "go back", "back", "last one", "previous step", "previous one", "the one before",
        "go back one", "back one", "go back a step", "the last step again",
    ),
    "AMAZON.PauseIntent": (
        "pause", "wait", "hold on", "hang on", "pause it", "pause that", "give me a minute",
        "wait a minute", "wait a second", "one moment", "just a moment", "pause please",
    ),
    "AMAZON.ResumeIntent": (
        "resume", "continue", "carry on", "unpause", "i'm ready", "ready", "let's go",
        "okay i'm ready", "let's continue", "i'm ready now", "let's carry on",
    ),
    "AMAZON.StartOverIntent": (
        "start over", "start again", "from the beginning", "restart", "begin again", "from the top",
        "start from the beginning", "go back to the beginning", "start it again",
    ),
    "AMAZON.FallbackIntent": (),
}
