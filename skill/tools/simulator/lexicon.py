"""Words people use for the same thing, in classes.

Alexa's model knows that "knotted up" is said of a cramp and "how often" of frequency; the
offline resolver learns only from the model's samples, and they can't hold every word. A
word of a class also counts as the class, so what the samples teach about "cramp" or
"every night" carries to "seized" or "constantly". Classes are about how people talk, not
about the answers: they name no topic, and a word may sit in more than one.
"""

WORD_CLASSES: dict[str, tuple[str, ...]] = {
    "cramping": (
        "cramp", "cramps", "cramping", "cramped", "crampy", "spasm", "spasms", "spasming", "seize", "seized",
        "seizes", "seizing", "knot", "knots", "knotted", "knotting", "lock", "locked", "locks", "locking",
        "clench", "clenched", "clenching", "contract", "contracted", "contracting", "charley", "charlie",
        "clamp", "clamped", "clamping", "claw", "clawed", "bunched", "balled", "twisted", "curled", "curling",
    ),
    "right_now": (
        "now", "currently", "moment", "minute", "still", "happening", "quick", "quickly", "hurry", "immediately",
        "tonight", "just", "killing", "agony",
    ),
    "often": (
        "often", "always", "constantly", "constant", "every", "nightly", "daily", "regularly", "regular",
        "frequent", "frequently", "repeatedly", "recurring", "recurrent", "keep", "keeps", "kept", "again",
        "nonstop", "most", "weekly", "times", "running",
    ),
    "prevention": (
        "prevent", "preventing", "prevention", "avoid", "avoiding", "bay", "ward", "stave", "anymore", "future",
        "never", "stop", "stopping", "away", "tips", "advice",
    ),
    "cause": (
        "why", "cause", "causes", "causing", "caused", "reason", "reasons", "blame", "because", "behind",
        "trigger", "triggers", "triggering", "due", "responsible", "linked", "link", "connected", "related",
    ),
    "worry": (
        "worry", "worried", "worrying", "concern", "concerned", "concerning", "serious", "normal", "wrong",
        "dangerous", "alarming", "bad", "sign", "okay", "fine",
    ),
    "doctor": (
        "doctor", "doctors", "doc", "gp", "physician", "clinic", "surgery", "appointment", "checked", "nurse",
        "specialist", "professional", "medical", "seen",
    ),
    "emergency": (
        "emergency", "ambulance", "hospital", "paramedic", "paramedics", "urgent", "urgently", "er",
    ),
    "food": (
        "eat", "eating", "ate", "food", "foods", "diet", "snack", "snacks", "meal", "meals", "fruit", "fruits",
        "vegetables", "veg", "banana", "bananas", "nuts", "spinach", "potato", "potatoes", "avocado", "dairy",
        "yoghurt", "yogurt", "breakfast", "dinner", "lunch", "cook", "cooking",
    ),
    "drink": (
        "drink", "drinks", "drinking", "water", "fluid", "fluids", "hydrate", "hydrated", "hydrating",
        "hydration", "glass", "glasses", "litre", "litres", "liter", "liters", "ounces", "cups", "bottle",
        "bottles", "electrolyte", "electrolytes", "thirsty",
    ),
    "footwear_and_bedding": (
        "shoes", "shoe", "trainers", "sneakers", "footwear", "heels", "slippers", "boots", "thongs", "sandals",
        "insoles", "bedding", "sheets", "sheet", "blanket", "blankets", "duvet", "doona", "quilt", "covers",
        "mattress", "pillow", "position", "tucked",
    ),
    "soreness": (
        "sore", "soreness", "ache", "aches", "aching", "achy", "tender", "tenderness", "bruised", "bruise",
        "afterwards", "leftover", "lingering", "after",
    ),
    "child": (
        "child", "children", "kid", "kids", "son", "daughter", "boy", "girl", "toddler", "teen", "teenager",
        "teenage", "grandson", "granddaughter", "youngster", "little", "year", "school",
    ),
    "stretching": (
        "stretch", "stretches", "stretching", "exercise", "exercises", "yoga", "pose", "poses", "hold",
    ),
    "medicine": (
        "medicine", "medicines", "medication", "medications", "pill", "pills", "tablet", "tablets",
        "prescription", "prescribe", "prescribed", "drug", "drugs", "pharmacy", "chemist", "pharmacist",
    ),
    "duration": (
        "long", "minutes", "hours", "seconds", "last", "lasting", "lasts", "ages", "forever", "end", "over",
    ),
    "twitching": (
        "twitch", "twitches", "twitching", "twitchy", "flicker", "flickering", "flutter", "fluttering",
        "jumping", "jumpy", "ripple", "rippling", "quiver", "quivering", "tremor", "pulsing",
    ),
    "restless": (
        "restless", "urge", "crawling", "creepy", "crawly", "itchy", "fidget", "fidgety", "jittery", "still",
        "move", "moving",
    ),
    "getting_up": (
        "stand", "standing", "up", "walk", "walking", "stay", "stomp", "pace", "pacing", "hop", "floor",
        "weight",
    ),
}
