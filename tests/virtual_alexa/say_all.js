// node say_all.js INPUT.json OUTPUT.json
//
// INPUT.json is {"url", "model", "skillId", "locale", "utterances": [...]}. One virtual-alexa
// instance says every utterance, each in a new session (as in "ask cramp coach ..."), to the
// skill served at url. OUTPUT.json gets one entry per utterance, in order:
//   {"utterance", "request": "IntentRequest" | "LaunchRequest" | ..., "intent", "slots",
//    "response"}                   the request virtual-alexa built, and the skill's full reply
//   {"utterance", "error"}         what virtual-alexa threw (e.g. "Unable to match utterance")
const fs = require("fs");
const { VirtualAlexa } = require("virtual-alexa");

const [inputFile, outputFile] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(inputFile, "utf8"));
const model = JSON.parse(fs.readFileSync(input.model, "utf8"));
const invocationName = model.interactionModel.languageModel.invocationName;

// virtual-alexa 0.7.8 turns any utterance that *contains* "ask", "open", "launch", "talk to"
// or "tell" into a LaunchRequest: VirtualAlexa.parseLaunchRequest tests the unanchored
// /(ask|open|launch|talk to|tell).*/i, so "how can i tell a cramp from a clot" (or a word
// such as "basket") launches the skill instead of resolving. bespoken/virtual-alexa#72, which
// introduced it, meant utterances that *start* with these words, in the shape
// "<ask|open|launch|talk to|tell> <invocation_name> to <utterance>". This replacement does
// that: a launch only when the utterance starts with a launch word and the invocation name;
// whatever follows (after an optional "to") is the utterance to resolve. Anything else,
// including "tell me about cramps" inside a session, is resolved against the samples.
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const launchPattern = new RegExp(
  `^(?:ask|open|launch|talk to|tell) ${escapeRegex(invocationName)}(?:\\s+(?:to\\s+)?(.*))?$`, "i");
VirtualAlexa.prototype.parseLaunchRequest = function (utterance) {
  const match = launchPattern.exec(utterance.trim());
  if (!match) return undefined;
  return match[1] ? match[1] : true;
};

// virtual-core 0.1.1 (virtual-alexa's matcher) deletes punctuation, periods included, from
// what is said before matching it (SamplePhraseTest), but not from the samples, which it
// turns into regular expressions unescaped, nor from slot values. Alexa's own form for a
// spelled abbreviation keeps its periods ("should i see my g. p.", the Topic value
// "a. l. s."), so no natural way of saying such a sample matches it. These two replacements
// give the samples and the slot values the same clean-up as the utterance (and escape the
// samples' literal text), so both sides are compared in the same form.
const { SlotType, SlotMatch } = require("virtual-core");
const { SamplePhrase } = require("virtual-core/lib/src/SampleUtterances");
const PUNCTUATION = /[!"¿?|#$%/()=+\-_<>*{}·¡[\].,;:]/g;  // SamplePhraseTest's list
const clean = (text) => text.replace(PUNCTUATION, "").replace(/\s+/g, " ").trim().toLowerCase();
SamplePhrase.prototype.regex = function () {
  if (!this._cleanRegex) {
    const literal = this._regex.split("(.*)").map((part) => escapeRegex(part.replace(PUNCTUATION, "")));
    this._cleanRegex = new RegExp("^" + literal.join("(.*)") + "$", "i");
  }
  return this._cleanRegex;
};
// Speed only, the same matches: virtual-core tries every sample on every utterance, each
// try cleaning the utterance again and running the sample's regex. A sample's regex is its
// literal parts joined by "(.*)", so it can only match an utterance that holds every part;
// the others are answered "no match" at once, as their regex would answer.
const NO_MATCH = { matches: () => false };
let lastUtterance = null;
let lastCleaned = null;
const originalMatchesUtterance = SamplePhrase.prototype.matchesUtterance;
SamplePhrase.prototype.matchesUtterance = function (utterance) {
  if (utterance !== lastUtterance) {
    lastUtterance = utterance;
    lastCleaned = utterance.replace(PUNCTUATION, "").toLowerCase();
  }
  if (!this._literalParts) {
    this._literalParts = this._regex.split("(.*)").map((part) => part.replace(PUNCTUATION, "").toLowerCase()).filter(Boolean);
  }
  if (!this._literalParts.every((part) => lastCleaned.includes(part))) return NO_MATCH;
  return originalMatchesUtterance.call(this, utterance);
};

// Each type's names, cleaned once: the Symptom type alone has thousands.
const cleanedNames = new WeakMap();
SlotType.prototype.matchAll = function (value) {
  if (!cleanedNames.has(this)) {
    cleanedNames.set(this, this.values.map((slotValue) => ({
      slotValue, value: clean(slotValue.name.value),
      synonyms: (slotValue.name.synonyms || []).map((synonym) => [clean(synonym), synonym]),
    })));
  }
  const said = clean(value);
  const matches = [];
  for (const names of cleanedNames.get(this)) {
    if (names.value === said) {
      matches.push(new SlotMatch(true, value.trim(), names.slotValue));
    } else {
      for (const [cleaned, synonym] of names.synonyms) {
        if (cleaned === said) matches.push(new SlotMatch(true, value.trim(), names.slotValue, synonym));
      }
    }
  }
  return matches;
};

const alexa = VirtualAlexa.Builder().skillURL(input.url).interactionModelFile(input.model)
  .applicationID(input.skillId).locale(input.locale || "en-US").create();

// The request virtual-alexa built for the last utterance: its type, intent and slots.
let sent = null;
alexa.filter((request) => { sent = request; });

const slotsOf = (intent) => {
  const slots = {};
  for (const [name, slot] of Object.entries((intent && intent.slots) || {})) {
    if (slot.value === undefined) continue;
    const authority = slot.resolutions && slot.resolutions.resolutionsPerAuthority[0];
    slots[name] = {
      value: slot.value,
      status: authority ? authority.status.code : undefined,
      id: authority && authority.values.length ? authority.values[0].value.id : undefined,
    };
  }
  return slots;
};

(async () => {
  const results = [];
  for (const utterance of input.utterances) {
    sent = null;
    // A new session for every utterance, without a SessionEndedRequest: one utterance's
    // state (an offer, a routine in progress) must not change how the next one is answered.
    alexa.context().endSession();
    try {
      const reply = await alexa.utter(utterance);
      results.push({
        utterance,
        request: sent.request.type,
        intent: sent.request.intent ? sent.request.intent.name : null,
        slots: slotsOf(sent.request.intent),
        response: JSON.parse(JSON.stringify(reply)),
      });
    } catch (error) {
      results.push({
        utterance,
        request: sent ? sent.request.type : null,
        intent: sent && sent.request.intent ? sent.request.intent.name : null,
        error: String(error && error.message ? error.message : error),
      });
    }
  }
  fs.writeFileSync(outputFile, JSON.stringify(results));
})().catch((error) => { process.stderr.write(String(error && error.stack ? error.stack : error)); process.exit(1); });
