// node drive.js URL MODEL SKILL_ID utterance... : launches the skill, says each utterance,
// and prints a JSON array of {said, ssml, ends} for every turn.
const { VirtualAlexa } = require("virtual-alexa");

const [url, model, skillId, ...utterances] = process.argv.slice(2);
const alexa = VirtualAlexa.Builder().skillURL(url).interactionModelFile(model)
  .applicationID(skillId).locale("en-US").create();

(async () => {
  const turns = [];
  const record = (said, reply) => turns.push({
    said, ssml: reply.response.outputSpeech && reply.response.outputSpeech.ssml,
    ends: reply.response.shouldEndSession,
  });
  record("<launch>", await alexa.launch());
  for (const utterance of utterances) record(utterance, await alexa.utter(utterance));
  process.stdout.write(JSON.stringify(turns));
})().catch((error) => { process.stderr.write(String(error)); process.exit(1); });
